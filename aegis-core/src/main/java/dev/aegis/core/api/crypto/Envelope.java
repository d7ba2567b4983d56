package dev.aegis.core.api.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Result of envelope encryption (NIST SP 800-57 key wrapping, as in Vault's barrier and cloud KMS): data encrypted
 * under a one-time data key, and that data key wrapped by a master key.
 *
 * <p>{@link #encode()} gives one self-describing byte string for storage:
 * <pre>
 *   0x01 | len(masterKeyId) (1 byte) | masterKeyId (ASCII) | len(wrappedDataKey) (2 bytes, big-endian)
 *        | wrappedDataKey | ciphertext
 * </pre>
 *
 * <p>Immutable and thread-safe: arrays are copied on the way in and out. Components are never {@code null}.
 * Holds no secret in clear, so {@code equals}/{@code hashCode} compare contents and {@code toString} shows sizes.
 *
 * @param masterKeyId    the master key that wrapped the data key
 * @param wrappedDataKey the data key, encrypted by {@link Aes256Gcm} under the master key
 * @param ciphertext     the data, encrypted by {@link Aes256Gcm} under the data key
 */
public record Envelope(KeyId masterKeyId, byte[] wrappedDataKey, byte[] ciphertext) {

    private static final byte VERSION = 1;
    private static final int MAX_WRAPPED = 0xFFFF;

    /** Validates and copies. */
    public Envelope {
        Objects.requireNonNull(masterKeyId, "masterKeyId");
        Objects.requireNonNull(wrappedDataKey, "wrappedDataKey");
        Objects.requireNonNull(ciphertext, "ciphertext");
        if (wrappedDataKey.length == 0 || wrappedDataKey.length > MAX_WRAPPED) {
            throw new IllegalArgumentException("wrapped data key length out of range");
        }
        wrappedDataKey = wrappedDataKey.clone();
        ciphertext = ciphertext.clone();
    }

    /** @return a copy of the wrapped data key */
    @Override
    public byte[] wrappedDataKey() {
        return wrappedDataKey.clone();
    }

    /** @return a copy of the data ciphertext */
    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    /** @return the storage encoding (see class javadoc) */
    public byte[] encode() {
        byte[] kid = masterKeyId.value().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[2 + kid.length + 2 + wrappedDataKey.length + ciphertext.length];
        int i = 0;
        out[i++] = VERSION;
        out[i++] = (byte) kid.length;
        System.arraycopy(kid, 0, out, i, kid.length);
        i += kid.length;
        out[i++] = (byte) (wrappedDataKey.length >>> 8);
        out[i++] = (byte) wrappedDataKey.length;
        System.arraycopy(wrappedDataKey, 0, out, i, wrappedDataKey.length);
        i += wrappedDataKey.length;
        System.arraycopy(ciphertext, 0, out, i, ciphertext.length);
        return out;
    }

    /**
     * Parses {@link #encode()} output.
     *
     * @param encoded stored bytes
     * @return the envelope
     * @throws DecryptionFailedException if the bytes are not a well-formed envelope
     */
    public static Envelope decode(byte[] encoded) throws DecryptionFailedException {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length < 2 || encoded[0] != VERSION) {
            throw new DecryptionFailedException("unsupported envelope format");
        }
        int kidLength = encoded[1] & 0xFF;
        int i = 2 + kidLength;
        if (kidLength < 1 || kidLength > KeyId.MAX_LENGTH || encoded.length < i + 2) {
            throw new DecryptionFailedException("envelope is malformed");
        }
        String kid = new String(encoded, 2, kidLength, StandardCharsets.US_ASCII);
        if (!KeyId.isValid(kid)) {
            throw new DecryptionFailedException("envelope is malformed");
        }
        int wrappedLength = ((encoded[i] & 0xFF) << 8) | (encoded[i + 1] & 0xFF);
        i += 2;
        if (wrappedLength == 0 || encoded.length < i + wrappedLength) {
            throw new DecryptionFailedException("envelope is malformed");
        }
        byte[] wrapped = Arrays.copyOfRange(encoded, i, i + wrappedLength);
        byte[] ct = Arrays.copyOfRange(encoded, i + wrappedLength, encoded.length);
        return new Envelope(new KeyId(kid), wrapped, ct);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && masterKeyId.equals(e.masterKeyId)
                && Arrays.equals(wrappedDataKey, e.wrappedDataKey) && Arrays.equals(ciphertext, e.ciphertext);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * masterKeyId.hashCode() + Arrays.hashCode(wrappedDataKey)) + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "Envelope[masterKeyId=" + masterKeyId.value() + ", wrappedDataKey=" + wrappedDataKey.length
                + " bytes, ciphertext=" + ciphertext.length + " bytes]";
    }
}
