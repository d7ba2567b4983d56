package dev.aegis.sdk.api.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.sdk.api.token.AccessTokenVerifier;
import dev.aegis.sdk.api.token.DpopProofVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The per-request guard: bearer and DPoP tokens, scopes and roles, the RFC 6750 / 9449 challenges. */
class ServiceGuardTest {
    static final String ISSUER = "https://aegis.test";
    static final URI ORDERS = URI.create("https://orders.test/orders");

    private final KeyRing ring;
    private final JwtSigner signer;
    private final ServiceGuard guard;

    ServiceGuardTest() {
        Instant t = Instant.now().minusSeconds(60);
        ring = KeyRing.of(List.of(SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k"), t).activate(t)));
        signer = new JwtSigner(() -> ring);
        AccessTokenVerifier tokens = AccessTokenVerifier.create(ISSUER, "orders", ring, Clock.systemUTC());
        guard = new ServiceGuard("orders", tokens, new DpopProofVerifier(Clock.systemUTC(), Duration.ofMinutes(1)), null, true);
    }

    private String token(String scope, List<String> roles, Map<String, Object> cnf) {
        Instant now = Instant.now();
        JwtClaims.Builder b = JwtClaims.builder().issuer(ISSUER).subject("alice").audience("orders").issuedAt(now)
                .expiresAt(now.plusSeconds(300)).jwtId(UUID.randomUUID().toString()).claim("client_id", "web")
                .claim("scope", scope).claim("roles", roles);
        if (cnf != null) {
            b.claim("cnf", cnf);
        }
        return signer.sign(b.build(), AccessTokenVerifier.ACCESS_TOKEN_TYPE);
    }

    private GuardDecision check(String authorization, String dpop, Set<String> scopes, Set<String> roles) {
        return guard.check(authorization, dpop, "POST", ORDERS, scopes, roles, "orders.create", "/orders");
    }

    @Test
    void aBearerTokenWithTheScopeIsAllowed() {
        GuardDecision.Allow allow = assertInstanceOf(GuardDecision.Allow.class,
                check("Bearer " + token("orders:write", List.of("editor"), null), null, Set.of("orders:write"), Set.of("editor")));
        assertEquals("alice", allow.token().subject());
    }

    @Test
    void aMissingScopeOrRoleIsForbiddenWithInsufficientScope() {
        GuardDecision.Deny deny = assertInstanceOf(GuardDecision.Deny.class,
                check("Bearer " + token("orders:read", List.of(), null), null, Set.of("orders:write"), Set.of()));
        assertEquals(403, deny.status());
        assertTrue(deny.wwwAuthenticate().contains("error=\"insufficient_scope\""), deny.wwwAuthenticate());
        GuardDecision.Deny noRole = assertInstanceOf(GuardDecision.Deny.class,
                check("Bearer " + token("orders:write", List.of("viewer"), null), null, Set.of("orders:write"), Set.of("admin")));
        assertEquals(403, noRole.status());
    }

    @Test
    void noCredentialABadSchemeOrABadTokenIsUnauthenticated() {
        GuardDecision.Deny none = assertInstanceOf(GuardDecision.Deny.class, check(null, null, Set.of(), Set.of()));
        assertEquals(401, none.status());
        assertEquals("Bearer realm=\"orders\"", none.wwwAuthenticate());
        assertEquals(401, assertInstanceOf(GuardDecision.Deny.class, check("Basic dXNlcjpwYXNz", null, Set.of(), Set.of())).status());
        GuardDecision.Deny bad = assertInstanceOf(GuardDecision.Deny.class, check("Bearer not.a.jwt", null, Set.of(), Set.of()));
        assertTrue(bad.wwwAuthenticate().contains("invalid_token"));
    }

    @Test
    void aStolenDpopBoundTokenIsUselessWithoutTheKey() throws Exception {
        ECKey holder = new ECKeyGenerator(Curve.P_256).generate();
        String bound = token("orders:write", List.of(), Map.of("jkt", holder.computeThumbprint().toString()));
        // Presented as a plain bearer token: refused.
        assertEquals(401, assertInstanceOf(GuardDecision.Deny.class,
                check("Bearer " + bound, null, Set.of("orders:write"), Set.of())).status());
        // With a proof by another key: refused.
        ECKey thief = new ECKeyGenerator(Curve.P_256).generate();
        GuardDecision.Deny wrongKey = assertInstanceOf(GuardDecision.Deny.class,
                check("DPoP " + bound, proof(thief, bound), Set.of("orders:write"), Set.of()));
        assertTrue(wrongKey.wwwAuthenticate().contains("invalid_dpop_proof"));
        // With the holder's proof: allowed, once.
        String proof = proof(holder, bound);
        assertInstanceOf(GuardDecision.Allow.class, check("DPoP " + bound, proof, Set.of("orders:write"), Set.of()));
        assertInstanceOf(GuardDecision.Deny.class, check("DPoP " + bound, proof, Set.of("orders:write"), Set.of()),
                "a replayed proof is refused");
    }

    @Test
    void decisionsAreCountedForPrometheus() {
        check(null, null, Set.of(), Set.of());
        check("Bearer " + token("orders:write", List.of(), null), null, Set.of("orders:write"), Set.of());
        String text = guard.prometheusText();
        assertTrue(text.contains("aegis_sdk_requests_total{service=\"orders\",decision=\"allow\"} 1"), text);
        assertTrue(text.contains("aegis_sdk_requests_total{service=\"orders\",decision=\"unauthenticated\"} 1"), text);
    }

    private static String proof(ECKey key, String accessToken) throws Exception {
        String ath = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(DpopProofVerifier.DPOP_TYPE)
                .jwk(key.toPublicJWK()).build(), new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", "POST").claim("htu", ORDERS.toString()).claim("ath", ath).issueTime(new Date()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
