package dev.aegis.core.api.crypto;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable identifiers and bearer values: token ids ({@code jti}, RFC 7519 §4.1.7), API keys, client secrets,
 * bootstrap credentials. All values come from one shared {@link SecureRandom} and are encoded base64url without
 * padding (RFC 4648 §5), so they are safe in URLs, headers and file names.
 *
 * <p>Thread-safe ({@code SecureRandom} is). No method returns {@code null}.
 */
public final class SecureIds {

    /** Shared generator; {@code SecureRandom} is thread-safe and does not pin virtual threads. */
    static final SecureRandom RANDOM = new SecureRandom();

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SecureIds() {
    }

    /**
     * A random bearer value.
     *
     * @param bytes number of random bytes (1..1024); 32 gives 256 bits, the size for API keys and secrets
     * @return base64url without padding
     */
    public static String token(int bytes) {
        if (bytes < 1 || bytes > 1024) {
            throw new IllegalArgumentException("bytes must be in 1..1024, was " + bytes);
        }
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return ENCODER.encodeToString(b);
    }

    /** @return a 128-bit random identifier, base64url without padding (22 characters) */
    public static String newId() {
        return token(16);
    }
}
