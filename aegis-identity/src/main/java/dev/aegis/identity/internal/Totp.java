package dev.aegis.identity.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226 §5.3 dynamic truncation), with the parameters
 * every authenticator app supports: HMAC-SHA1, 30-second steps, 6 digits. HMAC comes from the JCA; this class
 * only does the protocol's truncation and time arithmetic.
 *
 * <p>Stateless and thread-safe.
 */
final class Totp {

    static final int STEP_SECONDS = 30;
    static final int DIGITS = 6;
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private Totp() {
    }

    /** RFC 4226 §5.3: HOTP(K, C) truncated to {@code digits} decimal digits. */
    static int hotp(byte[] key, long counter, int digits) {
        byte[] hash;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            hash = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required by every Java platform", e);
        }
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        return binary % POWERS[digits];
    }

    /** @return the time step of an instant (RFC 6238 §4.2, T0 = 0) */
    static long step(long epochSeconds) {
        return Math.floorDiv(epochSeconds, STEP_SECONDS);
    }

    /**
     * Checks a code against the steps now-1, now, now+1 (RFC 6238 §5.2: one step of drift each way).
     *
     * @return the matching step, or -1
     */
    static long match(byte[] key, String code, long epochSeconds) {
        if (code == null || code.length() != DIGITS) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        long now = step(epochSeconds);
        long found = -1;
        for (long s = now - 1; s <= now + 1; s++) {
            // No early exit: the work does not depend on which step matched.
            if (hotp(key, s, DIGITS) == value && found < 0) {
                found = s;
            }
        }
        return found;
    }

    /** RFC 4648 §6 base32 without padding, the form authenticator apps take in {@code otpauth://} URIs. */
    static String base32(byte[] data) {
        StringBuilder b = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte d : data) {
            buffer = (buffer << 8) | (d & 0xff);
            bits += 8;
            while (bits >= 5) {
                b.append(BASE32[(buffer >>> (bits - 5)) & 0x1f]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            b.append(BASE32[(buffer << (5 - bits)) & 0x1f]);
        }
        return b.toString();
    }
}
