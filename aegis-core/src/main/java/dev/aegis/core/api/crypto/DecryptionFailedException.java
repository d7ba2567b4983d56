package dev.aegis.core.api.crypto;

import java.io.Serial;

/**
 * A ciphertext or envelope could not be authenticated and decrypted: wrong key, wrong associated data, tampered
 * or truncated bytes, unknown master key. The message is safe to show to a client; it never contains key material,
 * plaintext or ciphertext. Checked, because a caller must decide what a failed decryption means (RFC 5116 §2.2:
 * the decryption operation returns FAIL and nothing else).
 */
public final class DecryptionFailedException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message client-safe reason */
    public DecryptionFailedException(String message) {
        super(message);
    }

    /**
     * @param message client-safe reason
     * @param cause   underlying failure (kept for logs; contains no secrets)
     */
    public DecryptionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
