package dev.aegis.core.api.crypto;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * Secret key material or another secret byte string (a pepper, a private JWK, a database password).
 *
 * <p>Deliberately not a record: {@link #toString()} is redacted, {@code equals}/{@code hashCode} keep identity
 * semantics so a secret never lands in a hash-based collection by value, and comparison goes through
 * {@link #equalsConstantTime(SecretBytes)} ({@link MessageDigest#isEqual}). The only way to read the bytes is
 * {@link #revealCopy()}, one greppable accessor, which returns a fresh copy the caller should wipe after use.
 *
 * <p>Immutable and thread-safe. No method accepts or returns {@code null}.
 */
public final class SecretBytes {

    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Copies {@code bytes}; the caller may wipe its array afterwards.
     *
     * @param bytes the secret, not {@code null}, may be empty
     * @return a new secret
     */
    public static SecretBytes copyOf(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new SecretBytes(bytes.clone());
    }

    /**
     * Draws {@code length} bytes from the shared {@link java.security.SecureRandom}.
     *
     * @param length number of random bytes, 1 or more
     * @return a new random secret
     */
    public static SecretBytes random(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("length must be at least 1, was " + length);
        }
        byte[] b = new byte[length];
        SecureIds.RANDOM.nextBytes(b);
        return new SecretBytes(b);
    }

    /** @return the number of secret bytes */
    public int length() {
        return bytes.length;
    }

    /**
     * The one accessor to the secret value: greppable on purpose, so every place that handles raw key
     * material can be found in a review.
     *
     * @return a fresh copy of the secret; wipe it ({@code Arrays.fill(b, (byte) 0)}) when done
     */
    public byte[] revealCopy() {
        return bytes.clone();
    }

    /**
     * Compares two secrets in time independent of where they differ (lengths are not hidden).
     *
     * @param other another secret, may be {@code null} (then {@code false})
     * @return whether both hold the same bytes
     */
    public boolean equalsConstantTime(SecretBytes other) {
        return other != null && MessageDigest.isEqual(bytes, other.bytes);
    }

    /** @return {@code "SecretBytes[redacted, N bytes]"}, never the value */
    @Override
    public String toString() {
        return "SecretBytes[redacted, " + bytes.length + " bytes]";
    }
}
