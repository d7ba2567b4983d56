package dev.aegis.core.api.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.VerificationKey;
import dev.aegis.core.api.keys.VerificationKeySource;
import dev.aegis.core.internal.JoseAccess;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies JWTs in JWS compact serialization (RFC 7519 §7.2, RFC 7515 §5.2) with every rule of the JWT Best
 * Current Practices (RFC 8725) in this one place, in this order:
 * <ol>
 *   <li>size bounded before any parsing ({@link TokenError#TOO_LARGE}); three base64url parts only;</li>
 *   <li>{@code alg=none} or an empty signature is an unsecured JWT and rejected (RFC 8725 §3.1);</li>
 *   <li>HMAC algorithms are always rejected: Aegis has no symmetric keys, so {@code HS256} keyed with a public key
 *       is algorithm confusion (RFC 8725 §2.1); {@code alg} must be in the allowlist;</li>
 *   <li>{@code jku}, {@code x5u}, {@code jwk}, {@code x5c}, {@code b64} and every {@code crit} are rejected: keys
 *       come only from the configured source (RFC 8725 §3.10, RFC 7515 §4.1.11);</li>
 *   <li>{@code typ} must match when configured (explicit typing, RFC 8725 §3.11);</li>
 *   <li>{@code kid} is required and looked up only in the {@link VerificationKeySource}; {@code alg} must equal the
 *       key's own algorithm (RFC 8725 §3.1); then the signature is verified, and only then are claims parsed;</li>
 *   <li>{@code exp} required; {@code exp}, {@code nbf}, {@code iat} checked with a bounded clock skew
 *       (RFC 7519 §4.1.4–4.1.6); {@code iss} and {@code aud} checked when configured (RFC 8725 §3.8, §3.9).</li>
 * </ol>
 *
 * <p>Fast path: no streams, regex or JWK parsing per call (each key carries its prebuilt verifier); the parsed
 * header of the last accepted token is reused when the next token has the same header bytes.
 *
 * <p>Immutable configuration; thread-safe. {@link #verify} never throws for bad input and never returns
 * {@code null}; rejection details never contain the token.
 */
public final class JwtVerifier {

    /** Default token size limit: 8 KiB. */
    public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
    /** Largest clock skew accepted by {@link Builder#clockSkew}. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);


    private final VerificationKeySource keys;
    private final Set<SigningAlgorithm> allowed;
    private final String issuer;
    private final String audience;
    private final String type;
    private final long skewMillis;
    private final int maxTokenBytes;
    private final Clock clock;
    /** Last header that passed the header rules; a pure function of its bytes, so safe to share. */
    private volatile ParsedHeader lastHeader;

    private record ParsedHeader(String encoded, JWSHeader header, SigningAlgorithm algorithm, KeyId kid) {
    }

    private JwtVerifier(Builder b) {
        this.keys = b.keys;
        this.allowed = EnumSet.copyOf(b.allowed);
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.type = b.type == null ? null : normaliseType(b.type);
        this.skewMillis = b.clockSkew.toMillis();
        this.maxTokenBytes = b.maxTokenBytes;
        this.clock = b.clock;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param token a compact JWS, may be {@code null} (then {@link TokenError#MALFORMED})
     * @return {@link TokenCheck.Valid} or {@link TokenCheck.Rejected} with the first rule that failed
     */
    public TokenCheck verify(String token) {
        if (token == null || token.isEmpty()) {
            return reject(TokenError.MALFORMED, "no token");
        }
        int n = token.length();
        if (n > maxTokenBytes) {
            return reject(TokenError.TOO_LARGE, "token longer than " + maxTokenBytes + " bytes");
        }
        long dots = dotPositions(token);
        if (dots < 0) {
            return reject(TokenError.MALFORMED, dots == BAD_CHARACTER
                    ? "character outside the base64url alphabet (RFC 7515 §2)"
                    : "not a JWS compact serialization: not three parts (RFC 7515 §7.1)");
        }
        int dot1 = (int) (dots >>> 32);
        int dot2 = (int) dots;
        if (dot1 == 0 || dot2 == dot1 + 1) {
            return reject(TokenError.MALFORMED, "not a JWS compact serialization: empty or missing part");
        }
        Object header = header(token.substring(0, dot1));
        if (header instanceof TokenCheck.Rejected r) {
            return r;
        }
        ParsedHeader h = (ParsedHeader) header;
        if (dot2 == n - 1) {
            return reject(TokenError.UNSECURED, "empty signature: unsecured JWT (RFC 8725 §3.1)");
        }
        Optional<VerificationKey> found = keys.find(h.kid());
        if (found.isEmpty()) {
            return reject(TokenError.UNKNOWN_KEY, "kid " + h.kid().value() + " not in the trusted key source");
        }
        VerificationKey key = found.get();
        if (key.algorithm() != h.algorithm()) {
            return reject(TokenError.ALGORITHM_NOT_ALLOWED, "alg " + h.algorithm().joseName()
                    + " differs from the algorithm of key " + h.kid().value() + " (RFC 8725 §3.1)");
        }
        if (!signatureValid(key, h.header(), token, dot2)) {
            return reject(TokenError.BAD_SIGNATURE, "signature does not verify under kid " + h.kid().value());
        }
        JWTClaimsSet claims;
        try {
            claims = JWTClaimsSet.parse(JSONObjectUtils.parse(
                    new Base64URL(token.substring(dot1 + 1, dot2)).decodeToString()));
        } catch (ParseException e) {
            return reject(TokenError.MALFORMED, "claims are not a valid JWT claims set (RFC 7519 §7.2)");
        }
        TokenCheck.Rejected claimRejection = checkClaims(claims);
        if (claimRejection != null) {
            return claimRejection;
        }
        return new TokenCheck.Valid(new JwtClaims(claims), h.kid());
    }

    private static final long BAD_CHARACTER = -1;
    private static final long NOT_THREE_PARTS = -2;

    /**
     * One pass over the token: only base64url characters and exactly two dots (RFC 7515 §7.1).
     *
     * @return {@code (dot1 << 32) | dot2}, or {@link #BAD_CHARACTER} / {@link #NOT_THREE_PARTS}
     */
    private static long dotPositions(String token) {
        int dot1 = -1;
        int dot2 = -1;
        for (int i = 0, n = token.length(); i < n; i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (dot1 < 0) {
                    dot1 = i;
                } else if (dot2 < 0) {
                    dot2 = i;
                } else {
                    return NOT_THREE_PARTS;
                }
            } else if (!isBase64Url(c)) {
                return BAD_CHARACTER;
            }
        }
        return dot2 < 0 ? NOT_THREE_PARTS : ((long) dot1 << 32) | dot2;
    }

    private static boolean signatureValid(VerificationKey key, JWSHeader header, String token, int dot2) {
        byte[] signingInput = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
        try {
            return JoseAccess.verifier(key).verify(header, signingInput, new Base64URL(token.substring(dot2 + 1)));
        } catch (JOSEException e) {
            return false;
        }
    }

    /** @return a {@link ParsedHeader} or a {@link TokenCheck.Rejected} */
    private Object header(String encoded) {
        ParsedHeader cached = lastHeader;
        if (cached != null && cached.encoded().equals(encoded)) {
            return cached;
        }
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(new Base64URL(encoded).decodeToString());
        } catch (ParseException e) {
            return reject(TokenError.MALFORMED, "header is not a JSON object (RFC 7515 §4)");
        }
        Object rule = HeaderRules.check(json, allowed, type);
        if (rule instanceof TokenCheck.Rejected r) {
            return r;
        }
        JWSHeader header;
        try {
            header = JWSHeader.parse(json, new Base64URL(encoded));
        } catch (ParseException e) {
            return reject(TokenError.MALFORMED, "header is not a valid JWS header (RFC 7515 §4)");
        }
        ParsedHeader parsed = new ParsedHeader(encoded, header,
                SigningAlgorithm.fromJoseName((String) json.get("alg")), (KeyId) rule);
        lastHeader = parsed;
        return parsed;
    }

    private TokenCheck.Rejected checkClaims(JWTClaimsSet claims) {
        long now = clock.millis();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return reject(TokenError.MISSING_CLAIM, "exp is required (RFC 7519 §4.1.4)");
        }
        if (now >= exp.getTime() + skewMillis) {
            return reject(TokenError.EXPIRED, "token expired (RFC 7519 §4.1.4)");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now + skewMillis < nbf.getTime()) {
            return reject(TokenError.NOT_YET_VALID, "nbf is in the future (RFC 7519 §4.1.5)");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.getTime() > now + skewMillis) {
            return reject(TokenError.ISSUED_IN_FUTURE, "iat is in the future (RFC 7519 §4.1.6)");
        }
        if (issuer != null) {
            String iss = claims.getIssuer();
            if (iss == null) {
                return reject(TokenError.MISSING_CLAIM, "iss is required by this verifier (RFC 8725 §3.8)");
            }
            if (!issuer.equals(iss)) {
                return reject(TokenError.WRONG_ISSUER, "iss is not the expected issuer (RFC 7519 §4.1.1)");
            }
        }
        if (audience != null) {
            List<String> aud = claims.getAudience();
            if (aud == null || aud.isEmpty()) {
                return reject(TokenError.MISSING_CLAIM, "aud is required by this verifier (RFC 8725 §3.9)");
            }
            boolean match = false;
            for (int i = 0; i < aud.size() && !match; i++) {
                match = audience.equals(aud.get(i));
            }
            if (!match) {
                return reject(TokenError.WRONG_AUDIENCE, "aud does not contain the expected audience (RFC 7519 §4.1.3)");
            }
        }
        return null;
    }

    /**
     * RFC 7515 §4.1.9: media type names are case-insensitive and {@code application/} may be omitted.
     *
     * @param typ a {@code typ} value
     * @return the comparable form
     */
    static String normaliseType(String typ) {
        String t = typ.regionMatches(true, 0, "application/", 0, 12) ? typ.substring(12) : typ;
        return t.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    static TokenCheck.Rejected reject(TokenError error, String detail) {
        return new TokenCheck.Rejected(error, detail);
    }

    /** Configures a {@link JwtVerifier}. Not thread-safe; arguments must not be {@code null}. */
    public static final class Builder {
        private VerificationKeySource keys;
        private Set<SigningAlgorithm> allowed = EnumSet.allOf(SigningAlgorithm.class);
        private String issuer;
        private String audience;
        private String type;
        private Duration clockSkew = Duration.ofSeconds(60);
        private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** @param source trusted keys (required) @return this */
        public Builder keys(VerificationKeySource source) {
            this.keys = Objects.requireNonNull(source, "source");
            return this;
        }

        /** @param algorithms allowlist, non-empty (default: ES256, EdDSA, RS256; each key still allows only its own) @return this */
        public Builder allowedAlgorithms(Set<SigningAlgorithm> algorithms) {
            if (algorithms.isEmpty()) {
                throw new IllegalArgumentException("at least one algorithm must be allowed");
            }
            this.allowed = EnumSet.copyOf(algorithms);
            return this;
        }

        /** @param expected required {@code iss} (exact match) @return this */
        public Builder issuer(String expected) {
            this.issuer = requireText(expected, "issuer");
            return this;
        }

        /** @param expected value that {@code aud} must contain @return this */
        public Builder audience(String expected) {
            this.audience = requireText(expected, "audience");
            return this;
        }

        /** @param expected required {@code typ}, e.g. {@code "at+jwt"} (case-insensitive, {@code application/} optional) @return this */
        public Builder type(String expected) {
            this.type = requireText(expected, "type");
            return this;
        }

        /** @param skew allowed clock skew, 0..5 minutes (default 60 s) @return this */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("clock skew must be within 0..5 minutes");
            }
            this.clockSkew = skew;
            return this;
        }

        /** @param bytes size limit, 512..1 MiB (default 8 KiB) @return this */
        public Builder maxTokenBytes(int bytes) {
            if (bytes < 512 || bytes > 1024 * 1024) {
                throw new IllegalArgumentException("maxTokenBytes must be within 512..1048576");
            }
            this.maxTokenBytes = bytes;
            return this;
        }

        /** @param clock time source (default UTC system clock) @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the verifier
         * @throws IllegalStateException if no key source was configured
         */
        public JwtVerifier build() {
            if (keys == null) {
                throw new IllegalStateException("a JwtVerifier needs a key source");
            }
            return new JwtVerifier(this);
        }

        private static String requireText(String value, String name) {
            if (Objects.requireNonNull(value, name).isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
