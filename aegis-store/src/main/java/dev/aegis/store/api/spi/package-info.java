/**
 * Plug-in seam of the store: {@link dev.aegis.store.api.spi.RootKeyProvider}, where a KMS or HSM will supply
 * the root key instead of a local file.
 */
package dev.aegis.store.api.spi;
