package dev.aegis.core.api.jwt;

import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.SigningAlgorithm;
import java.util.Map;
import java.util.Set;

/**
 * The JOSE header rules of {@link JwtVerifier}, one small check per RFC rule (RFC 7515 §4, RFC 8725 §3).
 * Stateless; allocation-free on success apart from the returned {@link KeyId}.
 */
final class HeaderRules {

    private static final String[] FORBIDDEN = {"jku", "x5u", "jwk", "x5c", "crit", "b64"};

    private HeaderRules() {
    }

    /**
     * @param header       the decoded header JSON
     * @param allowed      algorithm allowlist
     * @param expectedType normalised expected {@code typ}, or {@code null} when not checked
     * @return the {@link KeyId} from {@code kid} when every rule passes, else a {@link TokenCheck.Rejected}
     */
    static Object check(Map<String, Object> header, Set<SigningAlgorithm> allowed, String expectedType) {
        TokenCheck.Rejected r = checkAlgorithm(header.get("alg"), allowed);
        if (r == null) {
            r = checkForbidden(header);
        }
        if (r == null) {
            r = checkType(header.get("typ"), expectedType);
        }
        if (r != null) {
            return r;
        }
        Object kid = header.get("kid");
        if (!(kid instanceof String k)) {
            return JwtVerifier.reject(TokenError.UNKNOWN_KEY, "kid header is required (RFC 7515 §4.1.4)");
        }
        if (!KeyId.isValid(k)) {
            return JwtVerifier.reject(TokenError.UNKNOWN_KEY, "kid header is not a valid key id");
        }
        return new KeyId(k);
    }

    /** RFC 8725 §3.1 (no {@code none}), §2.1 (no HMAC with public keys), allowlist. */
    static TokenCheck.Rejected checkAlgorithm(Object alg, Set<SigningAlgorithm> allowed) {
        if (!(alg instanceof String a) || a.isEmpty()) {
            return JwtVerifier.reject(TokenError.MALFORMED, "alg header is required (RFC 7515 §4.1.1)");
        }
        if (a.equalsIgnoreCase("none")) {
            return JwtVerifier.reject(TokenError.UNSECURED, "alg none: unsecured JWTs are never accepted (RFC 8725 §3.1)");
        }
        if (a.regionMatches(true, 0, "HS", 0, 2)) {
            return JwtVerifier.reject(TokenError.ALGORITHM_NOT_ALLOWED,
                    "HMAC alg " + a + " rejected: no symmetric keys, algorithm confusion (RFC 8725 §2.1)");
        }
        SigningAlgorithm algorithm = SigningAlgorithm.findOrNull(a);
        if (algorithm == null || !allowed.contains(algorithm)) {
            return JwtVerifier.reject(TokenError.ALGORITHM_NOT_ALLOWED, "alg is not in the allowlist (RFC 8725 §3.1)");
        }
        return null;
    }

    /** RFC 8725 §3.10 (keys never from the token), RFC 7515 §4.1.11 (no critical extensions understood). */
    static TokenCheck.Rejected checkForbidden(Map<String, Object> header) {
        for (int i = 0; i < FORBIDDEN.length; i++) {
            if (header.containsKey(FORBIDDEN[i])) {
                return JwtVerifier.reject(TokenError.FORBIDDEN_HEADER,
                        FORBIDDEN[i] + " header is not accepted (RFC 8725 §3.10, RFC 7515 §4.1.11)");
            }
        }
        return null;
    }

    /** RFC 8725 §3.11 explicit typing; RFC 7515 §4.1.9 comparison. */
    static TokenCheck.Rejected checkType(Object typ, String expectedType) {
        if (expectedType == null) {
            return null;
        }
        if (!(typ instanceof String t) || !expectedType.equals(JwtVerifier.normaliseType(t))) {
            return JwtVerifier.reject(TokenError.WRONG_TYPE, "typ is not the expected type (RFC 8725 §3.11)");
        }
        return null;
    }
}
