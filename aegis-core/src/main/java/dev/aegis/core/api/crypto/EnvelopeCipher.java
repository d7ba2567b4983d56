package dev.aegis.core.api.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Envelope encryption: each {@link #seal} draws a fresh 256-bit data key, encrypts the data with it
 * ({@link Aes256Gcm}, caller's associated data), and wraps the data key with the primary master key of the
 * {@link MasterKeyRing}. Master key rotation never re-encrypts data: {@link #rewrap} re-wraps only the data key.
 *
 * <p>Binding: the data layer authenticates the caller's associated data (e.g. table + row id); the wrap layer
 * authenticates the master key id (in the AEAD header) and a SHA-256 digest of the data ciphertext, so a wrapped
 * key cannot be moved to another envelope, and {@link #rewrap} (which has no associated data) can still run.
 * Tampering with any part of an envelope, or opening it with other associated data, fails with
 * {@link DecryptionFailedException}.
 *
 * <p>Immutable and thread-safe. Associated data may be {@code null} (treated as empty); other arguments must not
 * be {@code null}.
 */
public final class EnvelopeCipher {

    /** All data keys carry this id inside their (never stored alone) ciphertexts. */
    private static final KeyId DATA_KEY_ID = KeyId.of("dek");
    private static final byte[] WRAP_CONTEXT = "aegis/envelope/v1/dek".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA_KEY_BYTES = 32;

    private final MasterKeyRing masterKeys;

    /** @param masterKeys the ring; its primary wraps new data keys */
    public EnvelopeCipher(MasterKeyRing masterKeys) {
        this.masterKeys = Objects.requireNonNull(masterKeys, "masterKeys");
    }

    /**
     * @param plaintext      the data
     * @param associatedData context bound to the ciphertext (must be given again to {@link #open}), may be null
     * @return the envelope
     */
    public Envelope seal(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        SecretBytes dataKey = SecretBytes.random(DATA_KEY_BYTES);
        byte[] ciphertext = Aes256Gcm.of(DATA_KEY_ID, dataKey).encrypt(plaintext, associatedData);
        Aes256Gcm primary = masterKeys.primary();
        byte[] raw = dataKey.revealCopy();
        try {
            byte[] wrapped = primary.encrypt(raw, wrapContext(ciphertext));
            return new Envelope(primary.keyId(), wrapped, ciphertext);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * @param envelope       output of {@link #seal} or {@link #rewrap}
     * @param associatedData the associated data given to {@link #seal}, may be {@code null}
     * @return the plaintext
     * @throws DecryptionFailedException if the master key is unknown, any part was tampered with, or the
     *                                   associated data differs
     */
    public byte[] open(Envelope envelope, byte[] associatedData) throws DecryptionFailedException {
        Objects.requireNonNull(envelope, "envelope");
        byte[] ciphertext = envelope.ciphertext();
        SecretBytes dataKey = unwrap(envelope, ciphertext);
        return Aes256Gcm.of(DATA_KEY_ID, dataKey).decrypt(ciphertext, associatedData);
    }

    /**
     * Re-wraps the data key under the current primary master key; the data ciphertext is untouched.
     *
     * @param envelope an envelope wrapped by any key of the ring
     * @return the same data, its key wrapped by the primary (the same envelope if it already is)
     * @throws DecryptionFailedException if the wrapped data key cannot be unwrapped
     */
    public Envelope rewrap(Envelope envelope) throws DecryptionFailedException {
        Objects.requireNonNull(envelope, "envelope");
        byte[] ciphertext = envelope.ciphertext();
        SecretBytes dataKey = unwrap(envelope, ciphertext);
        Aes256Gcm primary = masterKeys.primary();
        if (envelope.masterKeyId().equals(primary.keyId())) {
            return envelope;
        }
        byte[] raw = dataKey.revealCopy();
        try {
            return new Envelope(primary.keyId(), primary.encrypt(raw, wrapContext(ciphertext)), ciphertext);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private SecretBytes unwrap(Envelope envelope, byte[] ciphertext) throws DecryptionFailedException {
        byte[] wrapped = envelope.wrappedDataKey();
        KeyId named = Aes256Gcm.keyIdOf(wrapped);
        if (!named.equals(envelope.masterKeyId())) {
            throw new DecryptionFailedException("envelope master key id does not match its wrapped key");
        }
        Optional<Aes256Gcm> master = masterKeys.find(named);
        if (master.isEmpty()) {
            throw new DecryptionFailedException("envelope was sealed under an unknown master key");
        }
        byte[] raw = master.get().decrypt(wrapped, wrapContext(ciphertext));
        try {
            if (raw.length != DATA_KEY_BYTES) {
                throw new DecryptionFailedException("envelope data key is malformed");
            }
            return SecretBytes.copyOf(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    static byte[] wrapContext(byte[] ciphertext) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(WRAP_CONTEXT);
            byte[] digest = sha.digest(ciphertext);
            byte[] out = Arrays.copyOf(WRAP_CONTEXT, WRAP_CONTEXT.length + digest.length);
            System.arraycopy(digest, 0, out, WRAP_CONTEXT.length, digest.length);
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "EnvelopeCipher[" + masterKeys + "]";
    }
}
