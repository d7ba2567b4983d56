package dev.aegis.store.api;

/**
 * An infrastructure failure of the store: the database cannot be reached or migrated, a statement failed, the
 * root key file is unusable, stored key material cannot be decrypted. Expected outcomes (a key ring that does
 * not exist yet) are values, never this exception.
 *
 * <p>The message names what failed (database host, file path, key id) and never contains a password, key or
 * plaintext; it is meant for operators' logs, not for API clients. Immutable once thrown.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, without secrets
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * @param message what failed, without secrets
     * @param cause   the underlying failure (SQL, I/O); may be {@code null}
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
