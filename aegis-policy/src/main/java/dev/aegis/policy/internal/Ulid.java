package dev.aegis.policy.internal;

import java.security.SecureRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * ULIDs (26 Crockford base32 characters: 48-bit milliseconds, 80 random bits), the identifiers OpenFGA uses for
 * stores and models. Monotonic within this process: two ids of the same millisecond still sort in creation
 * order, so "the newest model" is the highest id. Thread-safe.
 */
public final class Ulid {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static long lastMillis;
    private static final byte[] LAST_RANDOM = new byte[10];

    private Ulid() {
    }

    public static String next(long millis) {
        byte[] random = new byte[10];
        LOCK.lock();
        try {
            if (millis <= lastMillis) {
                millis = lastMillis;
                // increment the previous random part: still unique, still ordered
                for (int i = 9; i >= 0; i--) {
                    if (++LAST_RANDOM[i] != 0) {
                        break;
                    }
                }
            } else {
                RANDOM.nextBytes(LAST_RANDOM);
                LAST_RANDOM[0] &= 0x7F; // headroom for increments
                lastMillis = millis;
            }
            System.arraycopy(LAST_RANDOM, 0, random, 0, 10);
        } finally {
            LOCK.unlock();
        }
        char[] out = new char[26];
        long t = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (t & 31)];
            t >>>= 5;
        }
        // 80 bits -> 16 characters
        long hi = ((random[0] & 0xFFL) << 32) | ((random[1] & 0xFFL) << 24) | ((random[2] & 0xFFL) << 16)
                | ((random[3] & 0xFFL) << 8) | (random[4] & 0xFFL);
        long lo = ((random[5] & 0xFFL) << 32) | ((random[6] & 0xFFL) << 24) | ((random[7] & 0xFFL) << 16)
                | ((random[8] & 0xFFL) << 8) | (random[9] & 0xFFL);
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    /** True for 26 characters of the Crockford alphabet (used to reject junk ids before touching the database). */
    public static boolean isValid(String s) {
        if (s == null || s.length() != 26) {
            return false;
        }
        for (int i = 0; i < 26; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U')) {
                return false;
            }
        }
        return true;
    }
}
