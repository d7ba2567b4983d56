package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aegis auth method: an Aegis access token logs in through a role that binds its audience (and optionally
 * subject and scopes) and gets the role's policies; every refused login looks the same.
 */
class AegisLoginTest {
    /** Logins are limited per client address; this class keeps to its own. */
    private static final String REMOTE = "10.20.30.40";
    static SecretsHarness h;
    static String root;
    static String policy;

    @BeforeAll
    static void mount() {
        h = SharedHarnesses.h2();
        root = h.rootToken();
        assertEquals(204, h.call("POST", "sys/auth/aegis", root, "{\"type\":\"aegis\"}").status());
        policy = "payments-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(204, h.call("PUT", "sys/policies/acl/" + policy, root,
                "{\"policy\":\"path \\\"secret/data/payments/*\\\" { capabilities = [\\\"read\\\"] }\"}").status());
        h.call("POST", "secret/data/payments/db", root, "{\"data\":{\"password\":\"s3cr3t\"}}");
        h.call("POST", "secret/data/billing/db", root, "{\"data\":{\"password\":\"other\"}}");
    }

    private static String role(String settings) {
        String name = "r" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(204, h.call("POST", "auth/aegis/role/" + name, root, settings).status());
        return name;
    }

    private static SecretsHarness.Resp login(String role, String jwt) {
        return h.call("POST", "auth/aegis/login", null, "{\"role\":\"" + role + "\",\"jwt\":\"" + jwt + "\"}",
                Map.of(), REMOTE);
    }

    private static void refused(SecretsHarness.Resp r) {
        assertEquals(400, r.status(), r.body());
        assertEquals("{\"errors\":[\"invalid role or token\"]}", r.body());
    }

    @Test
    void anAccessTokenForTheBoundAudienceGetsTheRolesPoliciesAndNothingMore() {
        String role = role("{\"bound_audiences\":[\"aegis-secrets\"],\"token_policies\":[\"" + policy + "\"],"
                + "\"token_ttl\":\"10m\"}");
        SecretsHarness.Resp r = login(role, h.accessTokens.issue("payments-api", "aegis-secrets", "openid", 300));
        assertEquals(200, r.status(), r.body());
        String vaultToken = r.json().path("auth").path("client_token").asText();
        assertTrue(vaultToken.startsWith("hvs."), r.body());
        assertEquals(List.of("default", policy).stream().sorted().toList(), sorted(r.json().path("auth").path("policies")));
        assertEquals("payments-api", r.json().path("auth").path("metadata").path("subject").asText());
        long lease = r.json().path("auth").path("lease_duration").asLong();
        assertTrue(lease > 590 && lease <= 600, "the role's token_ttl: " + lease);

        assertEquals("s3cr3t", h.call("GET", "secret/data/payments/db", vaultToken, null).data().path("data")
                .path("password").asText());
        assertEquals(403, h.call("GET", "secret/data/billing/db", vaultToken, null).status());
    }

    private static List<String> sorted(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.stream().sorted().toList();
    }

    @Test
    void tokenForAnotherAudienceIsRefused() {
        String role = role("{\"bound_audiences\":[\"aegis-secrets\"],\"token_policies\":[\"" + policy + "\"]}");
        refused(login(role, h.accessTokens.issue("payments-api", "https://aegis.test", "aegis:admin", 300)));
    }

    @Test
    void tokenSignedByAnotherKeyIsRefused() {
        String role = role("{\"bound_audiences\":[\"aegis-secrets\"]}");
        Instant now = Instant.now();
        KeyRing forger = KeyRing.of(List.of(SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("test-at-1"),
                now.minusSeconds(60)).activate(now.minusSeconds(30))));
        refused(login(role, TestAccessTokens.sign(forger, TestAccessTokens.ISSUER, "payments-api", "aegis-secrets",
                "openid", 300)));
    }

    @Test
    void expiredAndRevokedTokensAreRefused() {
        String role = role("{\"bound_audiences\":[\"aegis-secrets\"]}");
        refused(login(role, h.accessTokens.issue("payments-api", "aegis-secrets", "openid", -600)));
        String revoked = h.accessTokens.issue("payments-api", "aegis-secrets", "openid", 300);
        assertEquals(200, login(role, revoked).status());
        h.accessTokens.revoke(revoked);
        refused(login(role, revoked));
    }

    @Test
    void boundSubjectsAndScopesMustMatchAndAnUnknownRoleLooksTheSame() {
        String role = role("{\"bound_audiences\":\"aegis-secrets\",\"bound_subjects\":[\"payments-api\"],"
                + "\"bound_scopes\":[\"secrets:read\"]}");
        refused(login(role, h.accessTokens.issue("billing-api", "aegis-secrets", "secrets:read", 300)));
        refused(login(role, h.accessTokens.issue("payments-api", "aegis-secrets", "openid", 300)));
        refused(login("no-such-role", h.accessTokens.issue("payments-api", "aegis-secrets", "secrets:read", 300)));
        refused(login(role, "not.a.token"));
        assertEquals(200, login(role, h.accessTokens.issue("payments-api", "aegis-secrets", "openid secrets:read", 300))
                .status());
    }

    @Test
    void aRoleMustBindAnAudienceAndIsListedReadAndDeleted() {
        SecretsHarness.Resp bad = h.call("POST", "auth/aegis/role/unbound", root, "{\"token_policies\":[\"default\"]}");
        assertEquals(400, bad.status());
        assertTrue(bad.body().contains("bound_audiences is required"), bad.body());
        String role = role("{\"bound_audiences\":[\"a\",\"b\"]}");
        assertTrue(h.call("LIST", "auth/aegis/role", root, null).data().path("keys").toString().contains(role));
        assertEquals("[\"a\",\"b\"]", h.call("GET", "auth/aegis/role/" + role, root, null).data()
                .path("bound_audiences").toString());
        assertEquals(204, h.call("DELETE", "auth/aegis/role/" + role, root, null).status());
        assertEquals(404, h.call("GET", "auth/aegis/role/" + role, root, null).status());
    }

    @Test
    void theAccessTokenNeverReachesTheAuditTrail() throws Exception {
        String role = role("{\"bound_audiences\":[\"aegis-secrets\"]}");
        String jwt = h.accessTokens.issue("payments-api", "aegis-secrets", "openid", 300);
        SecretsHarness.Resp r = login(role, jwt);
        assertEquals(200, r.status());
        String vaultToken = r.json().path("auth").path("client_token").asText();
        String trail = Files.readString(h.auditFile);
        assertTrue(trail.contains("auth/aegis/login"), "the login is audited");
        assertFalse(trail.contains(jwt), "the access token is fingerprinted, never recorded");
        assertFalse(trail.contains(jwt.substring(jwt.lastIndexOf('.') + 1)), "not even its signature");
        assertFalse(trail.contains(vaultToken), "nor the Vault token it bought");
    }
}
