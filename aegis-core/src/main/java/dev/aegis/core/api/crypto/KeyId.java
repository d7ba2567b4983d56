package dev.aegis.core.api.crypto;

import java.util.Objects;

/**
 * Identifier of a key: the JOSE {@code kid} (RFC 7515 §4.1.4, RFC 7517 §4.5) of a signing key, or the id of a
 * master key inside an AEAD ciphertext. 1 to 64 characters of {@code [A-Za-z0-9._-]}, so it is safe in headers,
 * file names, SQL and logs.
 *
 * <p>Immutable and thread-safe. {@code value} is never {@code null}.
 *
 * @param value the identifier
 */
public record KeyId(String value) {

    /** Longest accepted identifier. */
    public static final int MAX_LENGTH = 64;

    /** Validates: 1..64 characters of {@code [A-Za-z0-9._-]}. */
    public KeyId {
        Objects.requireNonNull(value, "key id");
        if (!isValid(value)) {
            throw new IllegalArgumentException("key id must be 1..64 characters of [A-Za-z0-9._-]");
        }
    }

    /**
     * @param value the identifier
     * @return the key id
     * @throws IllegalArgumentException if {@code value} is not 1..64 characters of {@code [A-Za-z0-9._-]}
     */
    public static KeyId of(String value) {
        return new KeyId(value);
    }

    /** @return a fresh 128-bit random key id (22 base64url characters) */
    public static KeyId random() {
        return new KeyId(SecureIds.newId());
    }

    /**
     * Allocation-free syntax check, used on the token verification path before constructing a {@code KeyId}.
     *
     * @param value candidate, may be {@code null}
     * @return whether {@code value} is a syntactically valid key id
     */
    public static boolean isValid(String value) {
        if (value == null) {
            return false;
        }
        int n = value.length();
        if (n < 1 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
