package dev.aegis.store.api.spi;

import dev.aegis.core.api.crypto.SecretBytes;

/**
 * Supplies the root key: the 256-bit AES key (NIST SP 800-57 Part 1 §5.3, a key-wrapping key) that wraps the
 * master keys stored in the database. The root key itself is never stored in the database, so a database dump
 * alone reveals no key material. {@code RootKeyFile} is the local implementation; a KMS or HSM provider can
 * replace it later (Vault's seal, in Vault's terms).
 *
 * <p>Implementations must be thread-safe. {@link #rootKey()} may do I/O (a KMS call) and is called whenever the
 * master keys are (re)loaded, not per request. No method returns {@code null}.
 */
public interface RootKeyProvider {

    /**
     * @return the 32-byte root key; callers wipe copies they reveal
     * @throws dev.aegis.store.api.StoreException if the key cannot be obtained
     */
    SecretBytes rootKey();

    /**
     * @return where the key comes from, for logs and error messages (a file path, a KMS key ARN); never key
     *         material
     */
    String description();
}
