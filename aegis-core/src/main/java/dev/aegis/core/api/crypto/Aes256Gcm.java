package dev.aegis.core.api.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM as an AEAD (RFC 5116 §5.1 {@code AEAD_AES_256_GCM}, NIST SP 800-38D) bound to a {@link KeyId}.
 * The caller never handles a nonce: each {@link #encrypt} draws a fresh 96-bit random nonce, which is safe for
 * up to 2<sup>32</sup> messages per key (SP 800-38D §8.3); envelope encryption keeps each data key far below that.
 *
 * <p>Ciphertext format (self-describing, version 1):
 * <pre>
 *   0x01 | len(kid) (1 byte) | kid (ASCII) | nonce (12 bytes) | ciphertext || tag (16 bytes)
 * </pre>
 * The header (version, key id) is authenticated as associated data together with the caller's associated data, so
 * neither can be changed without {@link #decrypt} failing.
 *
 * <p>Immutable and thread-safe (a new {@link Cipher} per call, no thread-local caches). Associated data may be
 * {@code null} (treated as empty); other arguments must not be {@code null}.
 */
public final class Aes256Gcm {

    /** Current ciphertext format version. */
    static final byte VERSION = 1;
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int TAG_BYTES = TAG_BITS / 8;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final byte[] EMPTY = new byte[0];

    private final KeyId keyId;
    private final SecretKeySpec key;
    private final byte[] header;

    private Aes256Gcm(KeyId keyId, SecretKeySpec key) {
        this.keyId = keyId;
        this.key = key;
        byte[] kid = keyId.value().getBytes(StandardCharsets.US_ASCII);
        this.header = new byte[2 + kid.length];
        header[0] = VERSION;
        header[1] = (byte) kid.length;
        System.arraycopy(kid, 0, header, 2, kid.length);
    }

    /**
     * @param keyId identifier written into every ciphertext
     * @param key32 exactly 32 bytes of key material
     * @return the AEAD
     */
    public static Aes256Gcm of(KeyId keyId, SecretBytes key32) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(key32, "key32");
        if (key32.length() != KEY_BYTES) {
            throw new IllegalArgumentException("AES-256 key must be 32 bytes, was " + key32.length());
        }
        byte[] raw = key32.revealCopy();
        try {
            return new Aes256Gcm(keyId, new SecretKeySpec(raw, "AES"));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** @return the id written into (and expected in) every ciphertext */
    public KeyId keyId() {
        return keyId;
    }

    /**
     * Encrypts and authenticates.
     *
     * @param plaintext      data to protect, may be empty
     * @param associatedData authenticated but not encrypted context (e.g. a row id), may be {@code null}
     * @return self-describing ciphertext (see class javadoc)
     */
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] out = new byte[header.length + NONCE_BYTES + plaintext.length + TAG_BYTES];
        System.arraycopy(header, 0, out, 0, header.length);
        byte[] nonce = new byte[NONCE_BYTES];
        SecureIds.RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, header.length, NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header);
            cipher.updateAAD(associatedData == null ? EMPTY : associatedData);
            cipher.doFinal(plaintext, 0, plaintext.length, out, header.length + NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Authenticates and decrypts.
     *
     * @param ciphertext     output of {@link #encrypt} under this key
     * @param associatedData the same associated data as given to {@link #encrypt}, may be {@code null}
     * @return the plaintext
     * @throws DecryptionFailedException if the ciphertext is malformed, names another key, or fails authentication
     */
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws DecryptionFailedException {
        Objects.requireNonNull(ciphertext, "ciphertext");
        int bodyStart = headerLength(ciphertext);
        if (!Arrays.equals(ciphertext, 0, bodyStart, header, 0, header.length)) {
            throw new DecryptionFailedException("ciphertext was encrypted under another key");
        }
        if (ciphertext.length < bodyStart + NONCE_BYTES + TAG_BYTES) {
            throw new DecryptionFailedException("ciphertext is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, bodyStart, NONCE_BYTES));
            cipher.updateAAD(header);
            cipher.updateAAD(associatedData == null ? EMPTY : associatedData);
            int ctStart = bodyStart + NONCE_BYTES;
            return cipher.doFinal(ciphertext, ctStart, ciphertext.length - ctStart);
        } catch (AEADBadTagException e) {
            throw new DecryptionFailedException("ciphertext failed authentication");
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException("ciphertext could not be decrypted", e);
        }
    }

    /**
     * Reads the key id from a ciphertext's header without decrypting (to pick the key from a ring).
     *
     * @param ciphertext output of {@link #encrypt}
     * @return the key id it names
     * @throws DecryptionFailedException if the header is malformed
     */
    public static KeyId keyIdOf(byte[] ciphertext) throws DecryptionFailedException {
        Objects.requireNonNull(ciphertext, "ciphertext");
        int end = headerLength(ciphertext);
        String kid = new String(ciphertext, 2, end - 2, StandardCharsets.US_ASCII);
        if (!KeyId.isValid(kid)) {
            throw new DecryptionFailedException("ciphertext header is malformed");
        }
        return new KeyId(kid);
    }

    private static int headerLength(byte[] ciphertext) throws DecryptionFailedException {
        if (ciphertext.length < 2 || ciphertext[0] != VERSION) {
            throw new DecryptionFailedException("unsupported ciphertext format");
        }
        int kidLength = ciphertext[1] & 0xFF;
        if (kidLength < 1 || kidLength > KeyId.MAX_LENGTH || ciphertext.length < 2 + kidLength) {
            throw new DecryptionFailedException("ciphertext header is malformed");
        }
        return 2 + kidLength;
    }

    /** @return the key id only; never key material */
    @Override
    public String toString() {
        return "Aes256Gcm[keyId=" + keyId.value() + "]";
    }
}
