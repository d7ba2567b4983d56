package dev.aegis.sdk.api.token;

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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a DPoP proof (RFC 9449 §4.3) for a request carrying a DPoP-bound access token, at a service or the
 * gateway, on every request: a stolen token without the holder's private key is useless.
 *
 * <p>Each rule of §4.3 is one check with its own message: a single well-formed JWT; {@code typ: dpop+jwt};
 * an asymmetric algorithm from the allowlist (never {@code none} or HMAC); a public {@code jwk} header that
 * verifies the signature; {@code htm} and {@code htu} equal to the request's method and URI (query and
 * fragment ignored, §4.3 item 9); {@code iat} within the acceptance window; {@code ath} equal to the
 * base64url SHA-256 of the access token (§4.3 item 11); the key's JWK thumbprint (RFC 7638) equal to the
 * token's {@code cnf.jkt} (§6.1); and a {@code jti} not seen before within the window (§11.1).
 *
 * <p>Thread-safe; the replay cache is bounded by the window.
 */
public final class DpopProofVerifier {
    /** RFC 9449 §4.2. */
    public static final JOSEObjectType DPOP_TYPE = new JOSEObjectType("dpop+jwt");
    private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519,
            JWSAlgorithm.RS256, JWSAlgorithm.PS256);
    private static final int MAX_PROOF_CHARS = 8 * 1024;
    private static final int MAX_REMEMBERED_JTIS = 1_000_000;

    private final Clock clock;
    private final Duration window;
    private final ConcurrentHashMap<String, Instant> seenJtis = new ConcurrentHashMap<>();

    /**
     * @param clock  time source
     * @param window how far {@code iat} may lie in the past or future; proofs are single-use within it
     */
    public DpopProofVerifier(Clock clock, Duration window) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
    }

    /** The outcome: {@code null} problem means the proof is valid. */
    public record Result(String problem) {
        /** @return whether every rule held */
        public boolean valid() {
            return problem == null;
        }
    }

    /**
     * @param proof       the {@code DPoP} header value (exactly one header must have been sent)
     * @param method      the request method, e.g. {@code GET}
     * @param uri         the request URI as the client addressed it (scheme, host, port, path)
     * @param accessToken the access token sent with it
     * @param token       that token, verified, carrying {@code cnf.jkt}
     */
    public Result verify(String proof, String method, URI uri, String accessToken, AccessToken token) {
        return verify(proof, method, uri, accessToken, token.dpopThumbprint().orElse(null));
    }

    /**
     * The same checks for a token verified elsewhere (the gateway's, across several issuers).
     *
     * @param expectedThumbprint the token's {@code cnf.jkt}; {@code null} fails the binding check
     */
    public Result verify(String proof, String method, URI uri, String accessToken, String expectedThumbprint) {
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_CHARS) {
            return fail("missing or oversized DPoP proof");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(proof);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return fail("DPoP proof is not a signed JWT (RFC 9449 §4.3 item 2)");
        }
        JWSHeader header = jwt.getHeader();
        if (!DPOP_TYPE.equals(header.getType())) {
            return fail("typ is not dpop+jwt (RFC 9449 §4.3 item 4)");
        }
        if (!ALLOWED.contains(header.getAlgorithm())) {
            return fail("alg is not an allowed asymmetric algorithm (RFC 9449 §4.3 item 5)");
        }
        JWK jwk = header.getJWK();
        if (jwk == null || jwk.isPrivate()) {
            return fail("jwk header missing or holds a private key (RFC 9449 §4.3 item 7)");
        }
        if (!signatureValid(jwt, jwk)) {
            return fail("signature does not verify with the jwk header (RFC 9449 §4.3 item 6)");
        }
        if (!method.equals(stringClaim(claims, "htm"))) {
            return fail("htm does not match the request method (RFC 9449 §4.3 item 8)");
        }
        if (!sameTarget(stringClaim(claims, "htu"), uri)) {
            return fail("htu does not match the request URI (RFC 9449 §4.3 item 9)");
        }
        Date iat = claims.getIssueTime();
        Instant now = clock.instant();
        if (iat == null || iat.toInstant().isBefore(now.minus(window)) || iat.toInstant().isAfter(now.plus(window))) {
            return fail("iat outside the acceptance window (RFC 9449 §4.3 item 10)");
        }
        if (!sha256(accessToken).equals(stringClaim(claims, "ath"))) {
            return fail("ath does not match the access token (RFC 9449 §4.3 item 11)");
        }
        String thumbprint;
        try {
            thumbprint = jwk.computeThumbprint("SHA-256").toString();
        } catch (JOSEException e) {
            return fail("cannot compute the JWK thumbprint");
        }
        if (expectedThumbprint == null || !MessageDigest.isEqual(thumbprint.getBytes(StandardCharsets.US_ASCII),
                expectedThumbprint.getBytes(StandardCharsets.US_ASCII))) {
            return fail("proof key does not match the token's cnf.jkt (RFC 9449 §6.1)");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty() || jti.length() > 256) {
            return fail("jti missing (RFC 9449 §4.2)");
        }
        if (!remember(thumbprint, jti, now)) {
            return fail("proof replayed: jti already used (RFC 9449 §11.1)");
        }
        return new Result(null);
    }

    private boolean remember(String thumbprint, String jti, Instant now) {
        if (seenJtis.size() >= MAX_REMEMBERED_JTIS) {
            Instant cutoff = now.minus(window.multipliedBy(2));
            for (Iterator<Map.Entry<String, Instant>> it = seenJtis.entrySet().iterator(); it.hasNext(); ) {
                if (it.next().getValue().isBefore(cutoff)) {
                    it.remove();
                }
            }
            if (seenJtis.size() >= MAX_REMEMBERED_JTIS) {
                return false; // fail closed rather than forget proofs that could be replayed
            }
        }
        // jti is unique per key (§4.2): scope the cache by key so one client cannot block another's jti.
        return seenJtis.putIfAbsent(thumbprint + " " + jti, now) == null;
    }

    private static boolean signatureValid(SignedJWT jwt, JWK jwk) {
        try {
            JWSVerifier verifier = switch (jwk) {
                case ECKey ec -> new ECDSAVerifier(ec);
                case RSAKey rsa -> new RSASSAVerifier(rsa);
                case OctetKeyPair okp -> new Ed25519Verifier(okp);
                default -> null;
            };
            return verifier != null && jwt.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    /** htu compares scheme, host, port and path; query and fragment are not part of it (§4.3 item 9). */
    static boolean sameTarget(String htu, URI request) {
        if (htu == null) {
            return false;
        }
        try {
            URI claimed = new URI(htu);
            return equalsIgnoreCase(claimed.getScheme(), request.getScheme())
                    && equalsIgnoreCase(claimed.getHost(), request.getHost())
                    && port(claimed) == port(request)
                    && Objects.equals(emptyToSlash(claimed.getRawPath()), emptyToSlash(request.getRawPath()));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String emptyToSlash(String path) {
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static boolean equalsIgnoreCase(String a, String b) {
        return a != null && a.equalsIgnoreCase(b);
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s ? s : null;
    }

    static String sha256(String accessToken) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private static Result fail(String problem) {
        return new Result(problem);
    }
}
