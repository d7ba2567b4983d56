package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AppRole: secret ID use counts, TTL and CIDR binding; failures never say which part was wrong. */
class AppRoleEngineTest {
    static SecretsHarness h;
    static String root;

    @BeforeAll
    static void mount() {
        h = SharedHarnesses.h2();
        root = h.rootToken();
        h.call("POST", "sys/auth/approle", root, "{\"type\":\"approle\"}");
    }

    private static String role(String settings) {
        String name = "r" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(204, h.call("POST", "auth/approle/role/" + name, root, settings).status());
        return name;
    }

    private static String roleId(String role) {
        return h.call("GET", "auth/approle/role/" + role + "/role-id", root, null).data().path("role_id").asText();
    }

    private static String secretId(String role, String body) {
        return h.call("POST", "auth/approle/role/" + role + "/secret-id", root, body).data().path("secret_id").asText();
    }

    private static SecretsHarness.Resp login(String roleId, String secretId, String remote) {
        return h.call("POST", "auth/approle/login", null, "{\"role_id\":\"" + roleId + "\",\"secret_id\":\"" + secretId
                + "\"}", Map.of(), remote);
    }

    @Test
    void secretIdNumUsesIsEnforced() {
        String r = role("{\"secret_id_num_uses\":2,\"token_policies\":\"default\"}");
        String s = secretId(r, "{}");
        assertEquals(200, login(roleId(r), s, "10.0.0.1").status());
        assertEquals(200, login(roleId(r), s, "10.0.0.1").status());
        SecretsHarness.Resp third = login(roleId(r), s, "10.0.0.1");
        assertEquals(400, third.status());
        assertEquals("invalid role or secret ID", third.json().path("errors").path(0).asText());
    }

    @Test
    void secretIdTtlIsEnforced() throws Exception {
        String r = role("{\"secret_id_ttl\":\"1s\"}");
        String s = secretId(r, "{}");
        Thread.sleep(1200);
        assertEquals(400, login(roleId(r), s, "10.0.0.1").status());
    }

    @Test
    void cidrBindingRefusesOtherAddresses() {
        String r = role("{\"secret_id_bound_cidrs\":[\"10.1.0.0/16\"],\"token_bound_cidrs\":\"10.1.2.0/24\"}");
        String s = secretId(r, "{\"cidr_list\":\"10.1.2.0/24\"}");
        assertEquals(400, login(roleId(r), s, "192.168.1.5").status());
        assertEquals(400, login(roleId(r), s, "10.1.9.9").status(), "inside the role's block but outside the secret ID's");
        SecretsHarness.Resp ok = login(roleId(r), s, "10.1.2.3");
        assertEquals(200, ok.status(), ok.body());
        String token = ok.json().path("auth").path("client_token").asText();
        assertEquals(200, h.call("GET", "auth/token/lookup-self", token, null, Map.of(), "10.1.2.77").status());
        assertEquals(403, h.call("GET", "auth/token/lookup-self", token, null, Map.of(), "10.9.9.9").status(),
                "the token is bound to its CIDR too");
        assertEquals(400, h.call("POST", "auth/approle/role/x", root, "{\"secret_id_bound_cidrs\":\"not-a-cidr\"}").status());
    }

    @Test
    void secretIdGuessingIsRateLimitedPerClientAddress() {
        String r = role("{}");
        String good = secretId(r, "{}");
        int limited = 0;
        for (int i = 0; i < 70; i++) {
            int status = login(roleId(r), "guess-" + i, "10.99.99.99").status();
            if (status == 429) {
                limited++;
            }
        }
        assertTrue(limited >= 10, "guesses past the limit are refused with 429: " + limited);
        assertEquals(429, login(roleId(r), good, "10.99.99.99").status(), "even the right secret ID, from that address");
        assertEquals(200, login(roleId(r), good, "10.99.99.100").status(), "other clients are unaffected");
    }

    @Test
    void wrongRoleIdAndWrongSecretIdLookTheSame() {
        String r = role("{}");
        String s = secretId(r, "{}");
        SecretsHarness.Resp badRole = login("no-such-role", s, "10.0.0.1");
        SecretsHarness.Resp badSecret = login(roleId(r), "no-such-secret", "10.0.0.1");
        assertEquals(badRole.status(), badSecret.status());
        assertEquals(badRole.json().path("errors"), badSecret.json().path("errors"));
        assertTrue(login(roleId(r), s, "10.0.0.1").json().path("auth").path("client_token").asText().startsWith("hvs."));
    }
}
