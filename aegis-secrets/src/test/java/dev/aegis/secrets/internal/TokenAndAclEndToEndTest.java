package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Tokens (create, lookup, renew up to the max, revoke, accessor, children) and ACL enforcement over the API. */
class TokenAndAclEndToEndTest {
    private final SecretsHarness h = SharedHarnesses.h2();
    private final String root = h.rootToken();

    private String token(String policies, String extra) {
        SecretsHarness.Resp r = h.call("POST", "auth/token/create", root,
                "{\"policies\":[" + policies + "]" + extra + "}");
        assertEquals(200, r.status(), r.body());
        return r.json().path("auth").path("client_token").asText();
    }

    @Test
    void aclDenyIsEnforcedAndDenyByDefault() {
        String name = "reader-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(204, h.call("PUT", "sys/policies/acl/" + name, root, "{\"policy\":\"path \\\"secret/data/acl/*\\\""
                + " { capabilities = [\\\"read\\\"] }\\npath \\\"secret/data/acl/hidden\\\" { capabilities = [\\\"deny\\\"] }\"}").status());
        h.call("POST", "secret/data/acl/open", root, "{\"data\":{\"a\":\"b\"}}");
        h.call("POST", "secret/data/acl/hidden", root, "{\"data\":{\"a\":\"b\"}}");
        String t = token("\"" + name + "\"", "");

        assertEquals(200, h.call("GET", "secret/data/acl/open", t, null).status());
        SecretsHarness.Resp denied = h.call("GET", "secret/data/acl/hidden", t, null);
        assertEquals(403, denied.status());
        assertEquals("permission denied", denied.json().path("errors").path(0).asText());
        assertEquals(403, h.call("POST", "secret/data/acl/open", t, "{\"data\":{\"a\":\"x\"}}").status());
        assertEquals(403, h.call("GET", "sys/mounts", t, null).status());
        assertEquals(403, h.call("PUT", "sys/seal", t, null).status());
        assertEquals(403, h.call("GET", "secret/data/acl/open", "hvs.forged", null).status());
        assertEquals(403, h.call("GET", "secret/data/acl/open", null, null).status());
        assertEquals("b", h.call("GET", "secret/data/acl/open", root, null).data().path("data").path("a").asText());
    }

    @Test
    void createCapabilityAllowsOnlyNewKeys() {
        String name = "creator-" + UUID.randomUUID().toString().substring(0, 8);
        h.call("PUT", "sys/policies/acl/" + name, root,
                "{\"policy\":\"path \\\"secret/data/drop/*\\\" { capabilities = [\\\"create\\\"] }\"}");
        String t = token("\"" + name + "\"", "");
        String k = "secret/data/drop/" + UUID.randomUUID();
        assertEquals(200, h.call("POST", k, t, "{\"data\":{\"a\":\"1\"}}").status());
        assertEquals(403, h.call("POST", k, t, "{\"data\":{\"a\":\"2\"}}").status(), "update of an existing key needs update");
    }

    @Test
    void tokenLifecycleLookupRenewRevokeAccessorAndChildren() {
        h.call("PUT", "sys/policies/acl/token-creator", root,
                "{\"policy\":\"path \\\"auth/token/create\\\" { capabilities = [\\\"update\\\"] }\"}");
        SecretsHarness.Resp created = h.call("POST", "auth/token/create", root,
                "{\"policies\":[\"default\",\"token-creator\"],\"ttl\":\"60s\",\"explicit_max_ttl\":\"90s\",\"display_name\":\"ci\"}");
        JsonNode auth = created.json().path("auth");
        String t = auth.path("client_token").asText();
        String accessor = auth.path("accessor").asText();
        assertTrue(auth.path("lease_duration").asLong() <= 60);

        JsonNode self = h.call("GET", "auth/token/lookup-self", t, null).data();
        assertEquals("token-ci", self.path("display_name").asText());
        assertEquals(accessor, self.path("accessor").asText());
        assertEquals(accessor, h.call("POST", "auth/token/lookup-accessor", root,
                "{\"accessor\":\"" + accessor + "\"}").data().path("accessor").asText());

        long renewed = h.call("POST", "auth/token/renew-self", t, "{\"increment\":\"1h\"}").json().path("auth")
                .path("lease_duration").asLong();
        assertTrue(renewed <= 90, "renewal never passes explicit_max_ttl: " + renewed);

        String child = h.call("POST", "auth/token/create", t, "{\"policies\":[\"default\"]}").json().path("auth")
                .path("client_token").asText();
        assertEquals(200, h.call("GET", "auth/token/lookup-self", child, null).status());
        assertEquals(400, h.call("POST", "auth/token/create", t, "{\"policies\":[\"root\"]}").status(),
                "a child cannot have policies its parent lacks");

        assertEquals(204, h.call("POST", "auth/token/revoke-accessor", root, "{\"accessor\":\"" + accessor + "\"}").status());
        assertEquals(403, h.call("GET", "auth/token/lookup-self", t, null).status());
        assertEquals(403, h.call("GET", "auth/token/lookup-self", child, null).status(), "children die with their parent");
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        String t = token("\"default\"", ",\"ttl\":\"1s\"");
        assertEquals(200, h.call("GET", "auth/token/lookup-self", t, null).status());
        Thread.sleep(1300);
        assertEquals(403, h.call("GET", "auth/token/lookup-self", t, null).status());
    }

    @Test
    void limitedUseTokenStopsWorkingAfterItsUses() {
        String t = token("\"default\"", ",\"num_uses\":2");
        assertEquals(200, h.call("GET", "auth/token/lookup-self", t, null).status());
        assertEquals(200, h.call("GET", "auth/token/lookup-self", t, null).status());
        assertEquals(403, h.call("GET", "auth/token/lookup-self", t, null).status());
        assertFalse(t.isEmpty());
    }
}
