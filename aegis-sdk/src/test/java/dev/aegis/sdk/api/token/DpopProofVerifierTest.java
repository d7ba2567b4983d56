package dev.aegis.sdk.api.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.aegis.core.api.jwt.JwtClaims;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** RFC 9449 §4.3 rules, one attack each: replay, wrong key, wrong target, stale proof, unbound access token. */
class DpopProofVerifierTest {
    static final URI TARGET = URI.create("https://orders.internal:8443/orders?page=2");
    static final String ACCESS_TOKEN = "eyJ.access.token";

    private final ECKey holder = generate();
    private final DpopProofVerifier verifier = new DpopProofVerifier(Clock.systemUTC(), Duration.ofMinutes(1));

    static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private AccessToken boundTo(ECKey key) throws Exception {
        JwtClaims claims = JwtClaims.builder().subject("alice").jwtId("t1").expiresAt(Instant.now().plusSeconds(300))
                .claim("cnf", Map.of("jkt", key.computeThumbprint().toString())).build();
        return new AccessToken(claims, "t1", Instant.now().plusSeconds(300));
    }

    private static String proof(ECKey key, JOSEObjectType typ, String htm, String htu, Instant iat, String ath, String jti)
            throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(typ).jwk(key.toPublicJWK()).build();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(jti).claim("htm", htm).claim("htu", htu)
                .issueTime(Date.from(iat));
        if (ath != null) {
            claims.claim("ath", ath);
        }
        SignedJWT jwt = new SignedJWT(header, claims.build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private String validProof() throws Exception {
        return proof(holder, DpopProofVerifier.DPOP_TYPE, "GET", "https://orders.internal:8443/orders", Instant.now(),
                DpopProofVerifier.sha256(ACCESS_TOKEN), UUID.randomUUID().toString());
    }

    private void assertRefused(String expectedFragment, DpopProofVerifier.Result result) {
        assertFalse(result.valid(), "accepted, expected: " + expectedFragment);
        assertTrue(result.problem().contains(expectedFragment), result.problem());
    }

    @Test
    void aFreshProofByTheTokenHolderIsAccepted() throws Exception {
        assertTrue(verifier.verify(validProof(), "GET", TARGET, ACCESS_TOKEN, boundTo(holder)).valid());
    }

    @Test
    void aTokenVerifiedElsewhereIsCheckedAgainstItsThumbprint() throws Exception {
        String jkt = holder.computeThumbprint().toString();
        assertTrue(verifier.verify(validProof(), "GET", TARGET, ACCESS_TOKEN, jkt).valid());
        assertRefused("cnf.jkt", verifier.verify(validProof(), "GET", TARGET, ACCESS_TOKEN,
                generate().computeThumbprint().toString()));
        assertRefused("cnf.jkt", verifier.verify(validProof(), "GET", TARGET, ACCESS_TOKEN, (String) null));
    }

    @Test
    void dpopProofReplayIsRefused() throws Exception {
        String proof = validProof();
        assertTrue(verifier.verify(proof, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)).valid());
        assertRefused("replayed", verifier.verify(proof, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
    }

    @Test
    void aProofSignedByAnotherKeyThanTheTokenIsBoundToIsRefused() throws Exception {
        ECKey thief = generate();
        String proof = proof(thief, DpopProofVerifier.DPOP_TYPE, "GET", "https://orders.internal:8443/orders",
                Instant.now(), DpopProofVerifier.sha256(ACCESS_TOKEN), "j1");
        assertRefused("cnf.jkt", verifier.verify(proof, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
    }

    @Test
    void aProofForAnotherMethodOrTargetIsRefused() throws Exception {
        String post = proof(holder, DpopProofVerifier.DPOP_TYPE, "POST", "https://orders.internal:8443/orders",
                Instant.now(), DpopProofVerifier.sha256(ACCESS_TOKEN), "j2");
        assertRefused("htm", verifier.verify(post, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
        String other = proof(holder, DpopProofVerifier.DPOP_TYPE, "GET", "https://payments.internal:8443/orders",
                Instant.now(), DpopProofVerifier.sha256(ACCESS_TOKEN), "j3");
        assertRefused("htu", verifier.verify(other, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
    }

    @Test
    void aStaleOrFutureProofIsRefused() throws Exception {
        String stale = proof(holder, DpopProofVerifier.DPOP_TYPE, "GET", "https://orders.internal:8443/orders",
                Instant.now().minusSeconds(600), DpopProofVerifier.sha256(ACCESS_TOKEN), "j4");
        assertRefused("iat", verifier.verify(stale, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
        String future = proof(holder, DpopProofVerifier.DPOP_TYPE, "GET", "https://orders.internal:8443/orders",
                Instant.now().plusSeconds(600), DpopProofVerifier.sha256(ACCESS_TOKEN), "j5");
        assertRefused("iat", verifier.verify(future, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
    }

    @Test
    void aProofForAnotherAccessTokenIsRefused() throws Exception {
        String proof = proof(holder, DpopProofVerifier.DPOP_TYPE, "GET", "https://orders.internal:8443/orders",
                Instant.now(), DpopProofVerifier.sha256("another.access.token"), "j6");
        assertRefused("ath", verifier.verify(proof, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
        String noAth = proof(holder, DpopProofVerifier.DPOP_TYPE, "GET", "https://orders.internal:8443/orders",
                Instant.now(), null, "j7");
        assertRefused("ath", verifier.verify(noAth, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
    }

    @Test
    void wrongTypeUnsignedAndMalformedProofsAreRefused() throws Exception {
        String jwtTyped = proof(holder, JOSEObjectType.JWT, "GET", "https://orders.internal:8443/orders",
                Instant.now(), DpopProofVerifier.sha256(ACCESS_TOKEN), "j8");
        assertRefused("typ", verifier.verify(jwtTyped, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"none\",\"typ\":\"dpop+jwt\",\"jwk\":" + holder.toPublicJWK().toJSONString() + "}").getBytes());
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"htm\":\"GET\"}".getBytes());
        assertRefused("signed JWT", verifier.verify(header + "." + body + ".", "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
        assertRefused("missing", verifier.verify("", "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
        assertRefused("signed JWT", verifier.verify("garbage", "GET", TARGET, ACCESS_TOKEN, boundTo(holder)));
    }

    @Test
    void aProofWhoseHeaderCarriesAPrivateKeyIsRefused() throws Exception {
        // Built by hand: Nimbus will not build such a header, but an attacker's client is not Nimbus.
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(("{\"alg\":\"ES256\",\"typ\":\"dpop+jwt\",\"jwk\":" + holder.toJSONString() + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"jti\":\"j9\",\"htm\":\"GET\",\"htu\":\"https://orders.internal:8443/orders\","
                + "\"iat\":" + Instant.now().getEpochSecond() + ",\"ath\":\"" + DpopProofVerifier.sha256(ACCESS_TOKEN) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String signingInput = header + "." + claims;
        String signature = new ECDSASigner(holder).sign(new JWSHeader.Builder(JWSAlgorithm.ES256).build(),
                signingInput.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toString();
        assertFalse(verifier.verify(signingInput + "." + signature, "GET", TARGET, ACCESS_TOKEN, boundTo(holder)).valid());
    }

    @Test
    void htuIgnoresQueryAndFragmentButNotPathOrPort() {
        assertTrue(DpopProofVerifier.sameTarget("https://a.example/x", URI.create("https://a.example:443/x?q=1#f")));
        assertFalse(DpopProofVerifier.sameTarget("https://a.example/x", URI.create("https://a.example/y")));
        assertFalse(DpopProofVerifier.sameTarget("https://a.example:8443/x", URI.create("https://a.example/x")));
        assertFalse(DpopProofVerifier.sameTarget("http://a.example/x", URI.create("https://a.example/x")));
    }
}
