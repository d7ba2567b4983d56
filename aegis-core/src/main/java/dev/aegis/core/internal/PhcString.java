package dev.aegis.core.internal;

import java.util.Base64;

/**
 * Strict parser of the PHC string format for Argon2id
 * ({@code $argon2id$v=19$m=<int>,t=<int>,p=<int>$<b64 salt>$<b64 hash>}, P-H-C/phc-string-format), no regex.
 * Only version 19 (0x13) and the {@code argon2id} variant are accepted. Immutable.
 *
 * @param memoryKiB   m
 * @param iterations  t
 * @param parallelism p
 * @param salt        decoded salt, 8..64 bytes
 * @param hash        decoded hash, 16..64 bytes
 */
public record PhcString(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {

    private static final String PREFIX = "$argon2id$v=19$";
    private static final int MAX_LENGTH = 512;

    /**
     * @param encoded a stored hash, may be {@code null}
     * @return the parsed parts, or {@code null} if malformed or unsupported
     */
    public static PhcString parse(String encoded) {
        if (encoded == null || encoded.length() > MAX_LENGTH || !encoded.startsWith(PREFIX)) {
            return null;
        }
        int paramsEnd = encoded.indexOf('$', PREFIX.length());
        int saltEnd = paramsEnd < 0 ? -1 : encoded.indexOf('$', paramsEnd + 1);
        if (saltEnd < 0 || encoded.indexOf('$', saltEnd + 1) >= 0) {
            return null;
        }
        String params = encoded.substring(PREFIX.length(), paramsEnd);
        int c1 = params.indexOf(',');
        int c2 = c1 < 0 ? -1 : params.indexOf(',', c1 + 1);
        if (c2 < 0 || params.indexOf(',', c2 + 1) >= 0) {
            return null;
        }
        int m = intParam(params.substring(0, c1), "m=");
        int t = intParam(params.substring(c1 + 1, c2), "t=");
        int p = intParam(params.substring(c2 + 1), "p=");
        byte[] salt = decode(encoded.substring(paramsEnd + 1, saltEnd));
        byte[] hash = decode(encoded.substring(saltEnd + 1));
        if (m < 0 || t < 0 || p < 0 || salt == null || hash == null
                || salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) {
            return null;
        }
        return new PhcString(m, t, p, salt, hash);
    }

    private static int intParam(String part, String name) {
        if (!part.startsWith(name) || part.length() == name.length() || part.length() > name.length() + 9) {
            return -1;
        }
        int value = 0;
        for (int i = name.length(); i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static byte[] decode(String b64) {
        if (b64.isEmpty() || b64.indexOf('=') >= 0) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
