/**
 * The store's API: {@link dev.aegis.store.api.StoreConfig} and {@link dev.aegis.store.api.Store} (pool,
 * migrations, transactions), {@link dev.aegis.store.api.RootKeyFile} and
 * {@link dev.aegis.store.api.KeyMaterialStore} (master keys and signing key rings, encrypted at rest).
 *
 * <p>Infrastructure failures are {@link dev.aegis.store.api.StoreException}s; no method returns {@code null}
 * unless its javadoc says so.
 */
package dev.aegis.store.api;
