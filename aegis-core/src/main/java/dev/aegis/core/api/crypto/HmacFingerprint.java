package dev.aegis.core.api.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed SHA-256 (HMAC, RFC 2104 with SHA-256) of a secret that must be recognisable but never stored: API keys,
 * client secrets, refresh tokens, bootstrap credentials, and secrets named in audit records. The key is a
 * server-side pepper, so a stolen database does not allow offline guessing. For 256-bit server-generated secrets
 * this is the right hash (about a microsecond); human passwords use {@code PasswordHasher} (Argon2id) instead.
 *
 * <p>Output: {@code "hmac-sha256:" + base64url(no padding)}. Compare fingerprints with
 * {@link ConstantTime#equals(String, String)} or look them up as keys.
 *
 * <p>Immutable and thread-safe (a new {@link Mac} per call: no thread-local caches). Arguments must not be
 * {@code null}.
 */
public final class HmacFingerprint {

    /** Prefix of every fingerprint, naming the algorithm so it can change later. */
    public static final String PREFIX = "hmac-sha256:";

    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;

    /**
     * @param key the pepper, at least 32 bytes (256 bits)
     */
    public HmacFingerprint(SecretBytes key) {
        Objects.requireNonNull(key, "key");
        if (key.length() < 32) {
            throw new IllegalArgumentException("HMAC key must be at least 32 bytes, was " + key.length());
        }
        byte[] raw = key.revealCopy();
        this.key = new SecretKeySpec(raw, ALGORITHM);
        Arrays.fill(raw, (byte) 0);
    }

    /**
     * @param secret the secret bytes
     * @return {@code "hmac-sha256:" + base64url(HMAC-SHA-256(key, secret))}
     */
    public String of(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return PREFIX + ENCODER.encodeToString(mac.doFinal(secret));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * @param secret the secret, hashed as UTF-8
     * @return {@code "hmac-sha256:" + base64url(HMAC-SHA-256(key, utf8(secret)))}
     */
    public String of(String secret) {
        Objects.requireNonNull(secret, "secret");
        return of(secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "HmacFingerprint[key redacted]";
    }
}
