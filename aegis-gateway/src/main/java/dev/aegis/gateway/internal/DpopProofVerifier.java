package dev.aegis.gateway.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) for a DPoP-bound access token on every request: one check per rule,
 * each with its own message. Replayed proofs are refused by {@code jti} within the accepted {@code iat}
 * window (§11.1). JOSE parsing and signature checks are Nimbus's; only the RFC's rules live here.
 *
 * <p>Thread-safe.
 */
final class DpopProofVerifier {

    static final JOSEObjectType DPOP_TYP = new JOSEObjectType("dpop+jwt");
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256,
            JWSAlgorithm.PS256, JWSAlgorithm.EdDSA);
    private static final int MAX_PROOF = 4096;
    private static final long WINDOW_MILLIS = 60_000;
    private static final int MAX_REPLAY_ENTRIES = 200_000;

    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();

    /**
     * @param proof       the {@code DPoP} header value
     * @param method      the request method
     * @param htu         the request URI without query and fragment (§4.3 check 9)
     * @param accessToken the access token it must be bound to ({@code ath}, §4.3 check 11)
     * @param expectedJkt the token's {@code cnf.jkt} (§6.1)
     * @return {@code null} if valid, else the rule that failed (for logs and audit; clients see invalid_dpop_proof)
     */
    String verify(String proof, String method, String htu, String accessToken, String expectedJkt, long nowMillis) {
        if (proof == null || proof.isEmpty()) {
            return "DPoP header missing for a DPoP-bound token (RFC 9449 §7.1)";
        }
        if (proof.length() > MAX_PROOF || proof.indexOf(',') >= 0) {
            return "not exactly one DPoP proof (RFC 9449 §4.3 check 1)";
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(proof);
        } catch (ParseException e) {
            return "DPoP proof is not a JWS (RFC 9449 §4.3 check 2)";
        }
        JWSHeader header = jwt.getHeader();
        if (!DPOP_TYP.equals(header.getType())) {
            return "typ is not dpop+jwt (RFC 9449 §4.3 check 4)";
        }
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            return "alg is not an allowed asymmetric algorithm (RFC 9449 §4.3 check 5)";
        }
        JWK jwk = header.getJWK();
        if (jwk == null || jwk.isPrivate()) {
            return "jwk header missing or holds a private key (RFC 9449 §4.3 check 7)";
        }
        try {
            if (!jwt.verify(verifier(jwk, header.getAlgorithm()))) {
                return "DPoP proof signature does not verify (RFC 9449 §4.3 check 6)";
            }
        } catch (JOSEException | IllegalArgumentException e) {
            return "DPoP proof signature does not verify (RFC 9449 §4.3 check 6)";
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return "DPoP proof claims are malformed (RFC 9449 §4.3 check 2)";
        }
        String jti = claims.getJWTID();
        Object htm = claims.getClaim("htm");
        Object htuClaim = claims.getClaim("htu");
        Object ath = claims.getClaim("ath");
        Date iat = claims.getIssueTime();
        if (jti == null || jti.isEmpty() || jti.length() > 256 || iat == null) {
            return "jti or iat missing (RFC 9449 §4.2)";
        }
        if (!method.equals(htm)) {
            return "htm does not match the request method (RFC 9449 §4.3 check 8)";
        }
        if (!(htuClaim instanceof String u) || !htu.equals(stripQuery(u))) {
            return "htu does not match the request URI (RFC 9449 §4.3 check 9)";
        }
        if (Math.abs(nowMillis - iat.getTime()) > WINDOW_MILLIS) {
            return "iat outside the accepted window (RFC 9449 §4.3 check 11)";
        }
        if (!sha256(accessToken).equals(ath)) {
            return "ath does not match the access token (RFC 9449 §4.3 check 12)";
        }
        try {
            if (!jwk.computeThumbprint().toString().equals(expectedJkt)) {
                return "proof key does not match cnf.jkt (RFC 9449 §6.1)";
            }
        } catch (JOSEException e) {
            return "proof key thumbprint cannot be computed (RFC 7638)";
        }
        if (seen.size() > MAX_REPLAY_ENTRIES) {
            seen.values().removeIf(t -> t < nowMillis - 2 * WINDOW_MILLIS);
        }
        if (seen.putIfAbsent(expectedJkt + ':' + jti, nowMillis) != null) {
            return "DPoP proof replayed (RFC 9449 §11.1)";
        }
        return null;
    }

    private static JWSVerifier verifier(JWK jwk, JWSAlgorithm alg) throws JOSEException {
        if (jwk instanceof ECKey ec && alg == JWSAlgorithm.ES256) {
            return new ECDSAVerifier(ec);
        }
        if (jwk instanceof RSAKey rsa && (alg == JWSAlgorithm.RS256 || alg == JWSAlgorithm.PS256)) {
            return new RSASSAVerifier(rsa);
        }
        if (jwk instanceof OctetKeyPair okp && alg == JWSAlgorithm.EdDSA) {
            return new Ed25519Verifier(okp);
        }
        throw new IllegalArgumentException("key type does not match alg");
    }

    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stripQuery(String u) {
        int q = u.indexOf('?');
        int f = u.indexOf('#');
        int cut = q < 0 ? f : (f < 0 ? q : Math.min(q, f));
        return cut < 0 ? u : u.substring(0, cut);
    }
}
