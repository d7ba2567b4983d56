package dev.aegis.core.api.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every RFC 8725 rule of {@link JwtVerifier}, each with the exact {@link TokenError}. */
class JwtVerifierTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final String ISSUER = "https://aegis.example";
    static final String AUDIENCE = "orders-service";
    static final String TYPE = "at+jwt";

    static SigningKey es256;
    static KeyRing ring;

    @BeforeAll
    static void keys() {
        CryptoProviders.installPreferred();
        es256 = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("es-1"), NOW.minusSeconds(86_400))
                .activate(NOW.minusSeconds(3600));
        ring = KeyRing.of(List.of(es256));
    }

    static JwtVerifier verifier(KeyRing keys, Instant now) {
        return JwtVerifier.builder().keys(keys).issuer(ISSUER).audience(AUDIENCE).type(TYPE)
                .clockSkew(Duration.ofSeconds(60)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    }

    static JwtClaims.Builder claims(Instant now) {
        return JwtClaims.builder().issuer(ISSUER).subject("alice").audience(AUDIENCE)
                .issuedAt(now).expiresAt(now.plusSeconds(300)).jwtId("jti-1");
    }

    static String sign(KeyRing keys, JwtClaims c) {
        return new JwtSigner(() -> keys).sign(c, TYPE);
    }

    static TokenError rejection(TokenCheck check) {
        return assertInstanceOf(TokenCheck.Rejected.class, check, "expected a rejection").error();
    }

    private static JWTClaimsSet validClaimsSet() {
        return claims(NOW).build().claimsSet();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void tokenSignedByTheRingVerifiesForEveryAlgorithm(SigningAlgorithm algorithm) {
        SigningKey key = SigningKey.generate(algorithm, KeyId.random(), NOW.minusSeconds(10)).activate(NOW);
        KeyRing keys = KeyRing.of(List.of(key));
        String token = sign(keys, claims(NOW).claim("scope", "orders:read").build());
        TokenCheck.Valid valid = assertInstanceOf(TokenCheck.Valid.class, verifier(keys, NOW).verify(token));
        assertEquals(key.keyId(), valid.keyId());
        assertEquals("alice", valid.claims().subject().orElseThrow());
        assertEquals(List.of(AUDIENCE), valid.claims().audience());
        assertEquals(NOW.plusSeconds(300), valid.claims().expiresAt().orElseThrow());
        assertEquals("orders:read", valid.claims().stringClaim("scope").orElseThrow());
        assertEquals(ISSUER, valid.claims().issuer().orElseThrow());
    }

    @Test
    void signedHeaderHasExactlyAlgKidAndTyp() throws Exception {
        String token = sign(ring, claims(NOW).build());
        JWSHeader header = JWSHeader.parse(new com.nimbusds.jose.util.Base64URL(token.substring(0, token.indexOf('.'))));
        assertEquals(Set.of("alg", "kid", "typ"), header.getIncludedParams());
        assertEquals("es-1", header.getKeyID());
        assertEquals("ES256", header.getAlgorithm().getName());
    }

    @Test
    void expiredTokenIsRejectedAtTheSkewBoundary() {
        String token = sign(ring, claims(NOW.minusSeconds(3600)).expiresAt(NOW).build());
        assertInstanceOf(TokenCheck.Valid.class, verifier(ring, NOW).verify(token), "at exp");
        assertInstanceOf(TokenCheck.Valid.class, verifier(ring, NOW.plusSeconds(59)).verify(token), "within skew");
        assertInstanceOf(TokenCheck.Valid.class, verifier(ring, NOW.plusMillis(59_999)).verify(token));
        assertEquals(TokenError.EXPIRED, rejection(verifier(ring, NOW.plusSeconds(60)).verify(token)), "exp + skew");
        assertEquals(TokenError.EXPIRED, rejection(verifier(ring, NOW.plusSeconds(3600)).verify(token)));
    }

    @Test
    void zeroSkewRejectsAtExpExactly() {
        String token = sign(ring, claims(NOW.minusSeconds(60)).expiresAt(NOW).build());
        JwtVerifier strict = JwtVerifier.builder().keys(ring).clockSkew(Duration.ZERO)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        assertEquals(TokenError.EXPIRED, rejection(strict.verify(token)));
    }

    @Test
    void tokenWithoutExpIsRejected() throws Exception {
        JWTClaimsSet noExp = new JWTClaimsSet.Builder(validClaimsSet()).expirationTime(null).build();
        String token = ForgedTokens.signWithHeader(es256, header(JWSAlgorithm.ES256).build(), noExp);
        assertEquals(TokenError.MISSING_CLAIM, rejection(verifier(ring, NOW).verify(token)));
    }

    @Test
    void notBeforeInTheFutureIsRejectedBeyondSkew() {
        String soon = sign(ring, claims(NOW).notBefore(NOW.plusSeconds(60)).build());
        String later = sign(ring, claims(NOW).notBefore(NOW.plusSeconds(61)).build());
        assertInstanceOf(TokenCheck.Valid.class, verifier(ring, NOW).verify(soon));
        assertEquals(TokenError.NOT_YET_VALID, rejection(verifier(ring, NOW).verify(later)));
    }

    @Test
    void issuedInTheFutureIsRejectedBeyondSkew() {
        String soon = sign(ring, claims(NOW).issuedAt(NOW.plusSeconds(60)).build());
        String later = sign(ring, claims(NOW).issuedAt(NOW.plusSeconds(61)).build());
        assertInstanceOf(TokenCheck.Valid.class, verifier(ring, NOW).verify(soon));
        assertEquals(TokenError.ISSUED_IN_FUTURE, rejection(verifier(ring, NOW).verify(later)));
    }

    @Test
    void wrongIssuerIsRejected() {
        String token = sign(ring, claims(NOW).issuer("https://evil.example").build());
        assertEquals(TokenError.WRONG_ISSUER, rejection(verifier(ring, NOW).verify(token)));
        String none = sign(ring, JwtClaims.builder().audience(AUDIENCE).expiresAt(NOW.plusSeconds(60)).build());
        assertEquals(TokenError.MISSING_CLAIM, rejection(verifier(ring, NOW).verify(none)));
    }

    @Test
    void wrongAudienceIsRejected() {
        String token = sign(ring, claims(NOW).audience("billing-service").build());
        assertEquals(TokenError.WRONG_AUDIENCE, rejection(verifier(ring, NOW).verify(token)));
        String several = sign(ring, claims(NOW).audience(List.of("billing-service", AUDIENCE)).build());
        assertInstanceOf(TokenCheck.Valid.class, verifier(ring, NOW).verify(several));
        String none = sign(ring, JwtClaims.builder().issuer(ISSUER).expiresAt(NOW.plusSeconds(60)).build());
        assertEquals(TokenError.MISSING_CLAIM, rejection(verifier(ring, NOW).verify(none)));
    }

    @Test
    void wrongTypeIsRejected() {
        String idToken = new JwtSigner(() -> ring).sign(claims(NOW).build(), "JWT");
        assertEquals(TokenError.WRONG_TYPE, rejection(verifier(ring, NOW).verify(idToken)));
        String spelledOut = new JwtSigner(() -> ring).sign(claims(NOW).build(), "application/AT+JWT");
        assertInstanceOf(TokenCheck.Valid.class, verifier(ring, NOW).verify(spelledOut), "RFC 7515 §4.1.9");
    }

    @Test
    void missingTypIsRejectedWhenATypeIsExpected() throws Exception {
        String token = ForgedTokens.signWithHeader(es256,
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("es-1").build(), validClaimsSet());
        assertEquals(TokenError.WRONG_TYPE, rejection(verifier(ring, NOW).verify(token)));
    }

    @Test
    void unknownKidIsRejected() throws Exception {
        String token = ForgedTokens.signWithHeader(es256, header(JWSAlgorithm.ES256).keyID("es-2").build(),
                validClaimsSet());
        assertEquals(TokenError.UNKNOWN_KEY, rejection(verifier(ring, NOW).verify(token)));
    }

    @Test
    void missingOrMalformedKidIsRejected() throws Exception {
        String noKid = ForgedTokens.signWithHeader(es256,
                new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(TYPE)).build(), validClaimsSet());
        assertEquals(TokenError.UNKNOWN_KEY, rejection(verifier(ring, NOW).verify(noKid)));
        String badKid = ForgedTokens.signWithHeader(es256, header(JWSAlgorithm.ES256).keyID("../es-1").build(),
                validClaimsSet());
        assertEquals(TokenError.UNKNOWN_KEY, rejection(verifier(ring, NOW).verify(badKid)));
    }

    @Test
    void keyFromTheTokenHeaderIsNeverTrusted() throws Exception {
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("es-1").generate();
        JWSHeader.Builder[] headers = {
            header(JWSAlgorithm.ES256).jwkURL(URI.create("https://evil.example/jwks.json")),
            header(JWSAlgorithm.ES256).x509CertURL(URI.create("https://evil.example/cert.pem")),
            header(JWSAlgorithm.ES256).jwk(attacker.toPublicJWK()),
            header(JWSAlgorithm.ES256).x509CertChain(List.of(new com.nimbusds.jose.util.Base64("MIIB"))),
            header(JWSAlgorithm.ES256).criticalParams(Set.of("exp")).customParam("exp", 1),
        };
        for (JWSHeader.Builder h : headers) {
            String token = ForgedTokens.signWithHeader(es256, h.build(), validClaimsSet());
            assertEquals(TokenError.FORBIDDEN_HEADER, rejection(verifier(ring, NOW).verify(token)),
                    h.build().getIncludedParams().toString());
        }
    }

    @Test
    void tamperedPayloadIsRejected() {
        String token = sign(ring, claims(NOW).build());
        String elevated = ForgedTokens.withClaims(token, "{\"iss\":\"" + ISSUER + "\",\"sub\":\"admin\",\"aud\":\""
                + AUDIENCE + "\",\"exp\":" + NOW.plusSeconds(300).getEpochSecond() + "}");
        assertEquals(TokenError.BAD_SIGNATURE, rejection(verifier(ring, NOW).verify(elevated)));
    }

    @Test
    void tamperedSignatureAndHeaderAreRejected() {
        String token = sign(ring, claims(NOW).build());
        char last = token.charAt(token.length() - 10);
        String flipped = token.substring(0, token.length() - 10) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 9);
        assertEquals(TokenError.BAD_SIGNATURE, rejection(verifier(ring, NOW).verify(flipped)));
        String truncated = token.substring(0, token.length() - 4);
        assertEquals(TokenError.BAD_SIGNATURE, rejection(verifier(ring, NOW).verify(truncated)));
    }

    @Test
    void signatureByAnotherKeyWithTheSameKidIsRejected() throws Exception {
        SigningKey impostor = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("es-1"), NOW).activate(NOW);
        String token = sign(KeyRing.of(List.of(impostor)), claims(NOW).build());
        assertEquals(TokenError.BAD_SIGNATURE, rejection(verifier(ring, NOW).verify(token)));
    }

    @Test
    void oversizedTokenIsRejectedBeforeParsing() {
        String huge = "x".repeat(JwtVerifier.DEFAULT_MAX_TOKEN_BYTES + 1);
        assertEquals(TokenError.TOO_LARGE, rejection(verifier(ring, NOW).verify(huge)), "not even base64url");
        String bigClaim = sign(ring, claims(NOW).claim("pad", "a".repeat(9000)).build());
        assertEquals(TokenError.TOO_LARGE, rejection(verifier(ring, NOW).verify(bigClaim)));
        JwtVerifier roomy = JwtVerifier.builder().keys(ring).maxTokenBytes(16_384)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        assertInstanceOf(TokenCheck.Valid.class, roomy.verify(bigClaim));
    }

    @Test
    void malformedTokensAreRejected() {
        String valid = sign(ring, claims(NOW).build());
        String[] bad = {
            null, "", "abc", "a.b", "a.b.c.d.e", ".b.c", "a..c", valid + ".x", valid.replace('.', ','),
            "eyJ hbGciOiJFUzI1NiJ9.e30.c2ln", ForgedTokens.b64("not json") + ".e30.c2ln",
            ForgedTokens.b64("[1]") + ".e30.c2ln", ForgedTokens.b64("{\"kid\":\"es-1\"}") + ".e30.c2ln",
            valid + "=", "é" + valid,
        };
        for (String b : bad) {
            assertEquals(TokenError.MALFORMED, rejection(verifier(ring, NOW).verify(b)), String.valueOf(b));
        }
    }

    @Test
    void validSignatureOverNonJsonClaimsIsMalformed() throws Exception {
        com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(header(JWSAlgorithm.ES256).build(),
                new com.nimbusds.jose.Payload("not json"));
        jws.sign(ForgedTokens.signerOf(es256));
        assertEquals(TokenError.MALFORMED, rejection(verifier(ring, NOW).verify(jws.serialize())));
    }

    @Test
    void algorithmOutsideTheAllowlistIsRejected() {
        String token = sign(ring, claims(NOW).build());
        JwtVerifier edOnly = JwtVerifier.builder().keys(ring).allowedAlgorithms(Set.of(SigningAlgorithm.EDDSA))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        assertEquals(TokenError.ALGORITHM_NOT_ALLOWED, rejection(edOnly.verify(token)));
        String ps256 = ForgedTokens.unsigned("{\"alg\":\"PS256\",\"kid\":\"es-1\",\"typ\":\"at+jwt\"}", "{}") + "c2ln";
        assertEquals(TokenError.ALGORITHM_NOT_ALLOWED, rejection(verifier(ring, NOW).verify(ps256)));
    }

    @Test
    void tokenAlgDifferentFromTheKeysAlgIsRejected() throws Exception {
        // The kid names an ES256 key; the attacker signs RS256 with his own key and claims that kid.
        SigningKey rsa = SigningKey.generate(SigningAlgorithm.RS256, KeyId.of("es-1"), NOW).activate(NOW);
        String token = ForgedTokens.signWithHeader(rsa, header(JWSAlgorithm.RS256).build(), validClaimsSet());
        assertEquals(TokenError.ALGORITHM_NOT_ALLOWED, rejection(verifier(ring, NOW).verify(token)));
        // And EdDSA against the same ES256 key.
        SigningKey ed = SigningKey.generate(SigningAlgorithm.EDDSA, KeyId.of("es-1"), NOW).activate(NOW);
        String edToken = ForgedTokens.signWithHeader(ed, header(JWSAlgorithm.EdDSA).build(), validClaimsSet());
        assertEquals(TokenError.ALGORITHM_NOT_ALLOWED, rejection(verifier(ring, NOW).verify(edToken)));
    }

    @Test
    void builderRefusesUnsafeConfiguration() {
        assertThrows(IllegalStateException.class, () -> JwtVerifier.builder().build());
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().clockSkew(Duration.ofMinutes(6)));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().clockSkew(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().allowedAlgorithms(Set.of()));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().maxTokenBytes(10));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().issuer(" "));
    }

    @Test
    void signerRefusesWithoutActiveKeyOrExp() {
        JwtSigner empty = new JwtSigner(KeyRing::empty);
        assertThrows(IllegalStateException.class, () -> empty.sign(claims(NOW).build(), TYPE));
        JwtSigner signer = new JwtSigner(() -> ring);
        JwtClaims noExp = JwtClaims.builder().subject("alice").build();
        assertThrows(IllegalArgumentException.class, () -> signer.sign(noExp, TYPE));
        assertThrows(IllegalArgumentException.class, () -> JwtClaims.builder().claim("exp", 5));
    }

    @Test
    void rejectionDetailNeverContainsTheToken() {
        String token = sign(ring, claims(NOW).issuer("https://evil.example").build());
        TokenCheck.Rejected r = assertInstanceOf(TokenCheck.Rejected.class, verifier(ring, NOW).verify(token));
        assertFalse(r.detail().contains(token.substring(0, 20)));
        assertFalse(r.detail().contains("evil"));
    }

    @Test
    void claimsRoundTripThroughAsMap() {
        JwtClaims c = claims(NOW).notBefore(NOW).claim("roles", List.of("a", "b")).build();
        assertEquals(NOW.getEpochSecond(), ((Number) c.asMap().get("iat")).longValue());
        assertEquals(List.of("a", "b"), c.asMap().get("roles"));
        assertEquals(new Date(NOW.toEpochMilli()).toInstant(), c.notBefore().orElseThrow());
    }

    static JWSHeader.Builder header(JWSAlgorithm alg) {
        return new JWSHeader.Builder(alg).keyID("es-1").type(new JOSEObjectType(TYPE));
    }
}
