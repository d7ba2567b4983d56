package dev.aegis.core.api.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Comparisons whose running time does not depend on where two values differ, for secrets, MACs and hashes
 * (the timing side channel behind many token and HMAC forgeries). Lengths are not hidden: compare fixed-length
 * digests when the length itself is secret.
 *
 * <p>Stateless and thread-safe. {@code null} arguments are allowed and compare unequal to everything
 * (including another {@code null}): a missing secret never matches.
 */
public final class ConstantTime {

    private ConstantTime() {
    }

    /**
     * @param a first value, may be {@code null}
     * @param b second value, may be {@code null}
     * @return whether both are non-null and hold the same bytes
     */
    public static boolean equals(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }

    /**
     * Compares the UTF-8 encodings of two strings.
     *
     * @param a first value, may be {@code null}
     * @param b second value, may be {@code null}
     * @return whether both are non-null and equal
     */
    public static boolean equals(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
