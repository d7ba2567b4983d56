package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.aegis.gateway.api.Gateway;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWT authentication over real HTTP: gateway → echo upstream, tokens from two issuers serving discovery + JWKS. */
class GatewayJwtTest {

    @TempDir
    static Path dir;
    static TestWorld world;
    static TestWorld.Issuer aegis;
    static TestWorld.Issuer keycloak;
    static TestWorld.Upstream upstream;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir);
        aegis = world.issuer();
        keycloak = world.issuer();
        upstream = world.upstream("orders");
        Path routes = world.writeRoutes("routes.yaml", """
                issuers:
                  - name: aegis
                    issuer: %s
                    discovery: %s
                    audience: api://orders
                    refresh-min-interval: 1s
                  - name: keycloak
                    issuer: %s
                    jwks-uri: %s/jwks
                routes:
                  - id: orders
                    match: { path-prefix: /orders, methods: [GET, POST] }
                    upstream: { targets: [%s] }
                    auth: { methods: [jwt], issuers: [aegis, keycloak], scopes: [orders.read] }
                  - id: admin
                    match: { path-prefix: /admin }
                    upstream: { targets: [%s] }
                    auth: { methods: [jwt], issuers: [aegis], roles: [admin] }
                  - id: bound
                    match: { path-prefix: /bound, methods: [GET, POST] }
                    upstream: { targets: [%s] }
                    auth: { methods: [jwt], issuers: [aegis], require-sender-constraint: true }
                """.formatted(aegis.issuer, aegis.discovery(), keycloak.issuer, keycloak.issuer, upstream.url(),
                upstream.url(), upstream.url()));
        gateway = world.gateway(routes);
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void validTokenIsForwardedWithTheTokenAndTheGatewaysOwnIdentityHeaders() throws Exception {
        String token = aegis.token(aegis.claims("alice"));
        HttpResponse<String> r = world.get(gateway, "/orders/42", "Authorization", "Bearer " + token,
                "X-Forwarded-For", "6.6.6.6", "X-Aegis-Subject", "root", "X-Real-IP", "6.6.6.6", "Forwarded", "for=6.6.6.6");
        assertEquals(200, r.statusCode(), r.body());
        Map<String, String> h = TestWorld.echoedHeaders(r);
        assertEquals("127.0.0.1", h.get("x-forwarded-for"), "client-sent X-Forwarded-For replaced");
        assertEquals("alice", h.get("x-aegis-subject"), "client-sent identity header replaced");
        assertFalse(h.containsKey("x-real-ip"));
        assertFalse(h.containsKey("forwarded"));
        assertEquals("Bearer " + token, h.get("authorization"), "the token itself is forwarded for re-verification");
        assertEquals("jwt", h.get("x-aegis-auth"));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), "gateway security header wins");
    }

    @Test
    void tokenOfASecondIssuerIsAccepted() throws Exception {
        String token = keycloak.token(keycloak.claims("bob"));
        assertEquals(200, world.get(gateway, "/orders", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void missingTokenGets401WithABearerChallenge() throws Exception {
        HttpResponse<String> r = world.get(gateway, "/orders");
        assertEquals(401, r.statusCode());
        assertEquals("Bearer realm=\"aegis-gateway\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    @Test
    void algNoneTokenIsRejected() throws Exception {
        String header = b64("{\"alg\":\"none\",\"kid\":\"x\"}");
        String payload = b64("{\"iss\":\"" + aegis.issuer + "\",\"sub\":\"mallory\",\"aud\":\"api://orders\",\"exp\":"
                + (Instant.now().getEpochSecond() + 300) + ",\"scope\":\"orders.read\"}");
        HttpResponse<String> r = world.get(gateway, "/orders", "Authorization", "Bearer " + header + "." + payload + ".");
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
        assertFalse(r.body().contains("none"), "the reason is not shown to the client");
    }

    @Test
    void tokenSignedByAForeignKeyWithAKnownKidIsRejected() throws Exception {
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(aegis.ring.get().signingKey().orElseThrow().keyId().value())
                .generate();
        String forged = sign(attacker, new JWTClaimsSet.Builder().issuer(aegis.issuer).subject("mallory")
                .audience("api://orders").expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .claim("scope", "orders.read").build(), null);
        assertEquals(401, world.get(gateway, "/orders", "Authorization", "Bearer " + forged).statusCode());
    }

    @Test
    void expiredTokenAndWrongAudienceAreRejected() throws Exception {
        Instant past = Instant.now().minusSeconds(3600);
        String expired = aegis.token(aegis.claims("alice").issuedAt(past).expiresAt(past.plusSeconds(60)));
        assertEquals(401, world.get(gateway, "/orders", "Authorization", "Bearer " + expired).statusCode());
        String otherAudience = aegis.token(aegis.claims("alice").audience("api://billing"));
        assertEquals(401, world.get(gateway, "/orders", "Authorization", "Bearer " + otherAudience).statusCode());
        String notYet = aegis.token(aegis.claims("alice").notBefore(Instant.now().plusSeconds(3600)));
        assertEquals(401, world.get(gateway, "/orders", "Authorization", "Bearer " + notYet).statusCode());
    }

    @Test
    void tokenWithoutTheRequiredScopeGets403InsufficientScope() throws Exception {
        String token = aegis.token(aegis.claims("carol").claim("scope", "profile"));
        HttpResponse<String> r = world.get(gateway, "/orders", "Authorization", "Bearer " + token);
        assertEquals(403, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope"));
    }

    @Test
    void adminRouteRequiresTheRole() throws Exception {
        String user = aegis.token(aegis.claims("dave"));
        assertEquals(403, world.get(gateway, "/admin/users", "Authorization", "Bearer " + user).statusCode());
        String admin = aegis.token(aegis.claims("erin").claim("roles", List.of("admin")));
        assertEquals(200, world.get(gateway, "/admin/users", "Authorization", "Bearer " + admin).statusCode());
    }

    @Test
    void issuerNotAcceptedOnTheRouteIsRejected() throws Exception {
        String token = keycloak.token(keycloak.claims("frank").claim("roles", List.of("admin")));
        assertEquals(401, world.get(gateway, "/admin/x", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void rotatedKeyIsFetchedOnceOnAnUnknownKidAndRandomKidsCannotHammerTheJwks() throws Exception {
        aegis.rotate();
        String token = aegis.token(aegis.claims("grace"));
        int before = aegis.jwksFetches.get();
        Thread.sleep(1100); // past the refresh interval of the previous test's fetches
        assertEquals(200, world.get(gateway, "/orders", "Authorization", "Bearer " + token).statusCode());
        int afterRotation = aegis.jwksFetches.get();
        assertTrue(afterRotation - before <= 1, "one refresh for the new kid");
        for (int i = 0; i < 20; i++) {
            ECKey k = new ECKeyGenerator(Curve.P_256).keyID("random-" + UUID.randomUUID()).generate();
            String t = sign(k, new JWTClaimsSet.Builder().issuer(aegis.issuer).subject("x").audience("api://orders")
                    .expirationTime(Date.from(Instant.now().plusSeconds(60))).build(), null);
            assertEquals(401, world.get(gateway, "/orders", "Authorization", "Bearer " + t).statusCode());
        }
        assertTrue(aegis.jwksFetches.get() - afterRotation <= 1, "unknown kids refresh at most once per interval");
    }

    @Test
    void revokedTokenIsRefusedAtOnceAfterTheTokenRevokedEvent() throws Exception {
        String jti = "revoke-me-" + System.nanoTime();
        String token = aegis.token(aegis.claims("heidi").jwtId(jti));
        assertEquals(200, world.get(gateway, "/orders", "Authorization", "Bearer " + token).statusCode()); // cached now
        gateway.onEvent("token.revoked", jti, Map.of("exp", Long.toString(Instant.now().getEpochSecond() + 300)));
        assertEquals(401, world.get(gateway, "/orders", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void dpopBoundTokenNeedsAFreshValidProofOnEveryRequest() throws Exception {
        ECKey holder = new ECKeyGenerator(Curve.P_256).generate();
        String token = aegis.token(aegis.claims("ivan").claim("cnf", Map.of("jkt", holder.computeThumbprint().toString())));
        String url = "http://127.0.0.1:" + gateway.port() + "/bound/items";
        // Bearer scheme for a DPoP-bound token: refused (RFC 9449 §7.1).
        assertEquals(401, world.get(gateway, "/bound/items", "Authorization", "Bearer " + token).statusCode());
        // No proof.
        assertEquals(401, world.get(gateway, "/bound/items", "Authorization", "DPoP " + token).statusCode());
        String proof = proof(holder, "GET", url, token);
        assertEquals(200, world.get(gateway, "/bound/items", "Authorization", "DPoP " + token, "DPoP", proof).statusCode());
        // Replay of the same proof.
        HttpResponse<String> replay = world.get(gateway, "/bound/items", "Authorization", "DPoP " + token, "DPoP", proof);
        assertEquals(401, replay.statusCode());
        assertTrue(replay.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_dpop_proof"));
        // Proof for another method, and a proof by another key.
        assertEquals(401, world.get(gateway, "/bound/items", "Authorization", "DPoP " + token, "DPoP",
                proof(holder, "POST", url, token)).statusCode());
        ECKey thief = new ECKeyGenerator(Curve.P_256).generate();
        assertEquals(401, world.get(gateway, "/bound/items", "Authorization", "DPoP " + token, "DPoP",
                proof(thief, "GET", url, token)).statusCode());
        assertEquals(200, world.get(gateway, "/bound/items", "Authorization", "DPoP " + token, "DPoP",
                proof(holder, "GET", url, token)).statusCode());
    }

    @Test
    void routeRequiringSenderConstraintRefusesAPlainBearerToken() throws Exception {
        String token = aegis.token(aegis.claims("judy"));
        assertEquals(401, world.get(gateway, "/bound/items", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void certificateBoundTokenWithoutTheCertificateIsRefused() throws Exception {
        String token = aegis.token(aegis.claims("ken").claim("cnf", Map.of("x5t#S256", "AAAA")));
        assertEquals(401, world.get(gateway, "/orders", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void sameTokenIsVerifiedOnceThenServedFromTheClaimsCache() throws Exception {
        String token = aegis.token(aegis.claims("leo"));
        for (int i = 0; i < 5; i++) {
            assertEquals(200, world.get(gateway, "/orders", "Authorization", "Bearer " + token).statusCode());
        }
        String other = aegis.token(aegis.claims("leo"));
        assertNotEquals(token, other);
    }

    static String proof(ECKey key, String method, String htu, String token) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).issueTime(new Date())
                .claim("htm", method).claim("htu", htu).claim("ath", ath(token)).build();
        return sign(key, claims, key.toPublicJWK());
    }

    static String sign(ECKey key, JWTClaimsSet claims, ECKey embed) throws Exception {
        JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.ES256);
        if (embed != null) {
            h.type(new JOSEObjectType("dpop+jwt")).jwk(embed);
        } else {
            h.keyID(key.getKeyID());
        }
        SignedJWT jwt = new SignedJWT(h.build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 9449 §4.2 {@code ath}: base64url SHA-256 of the access token. */
    private static String ath(String token) throws java.security.NoSuchAlgorithmException {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
