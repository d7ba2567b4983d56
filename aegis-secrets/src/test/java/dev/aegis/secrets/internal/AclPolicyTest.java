package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ACL policy parsing and decisions: deny by default, most specific path wins, deny overrides. */
class AclPolicyTest {

    private static Acl acl(String... documents) {
        List<AclPolicy> policies = new java.util.ArrayList<>();
        for (int i = 0; i < documents.length; i++) {
            policies.add(AclPolicy.parse("p" + i, documents[i]));
        }
        return Acl.of(policies);
    }

    @Test
    void nothingMatchingMeansDeny() {
        Acl acl = acl("path \"secret/data/app/*\" { capabilities = [\"read\"] }");
        assertFalse(acl.allowed("secret/data/other", Capability.READ));
        assertFalse(acl.allowed("sys/mounts", Capability.READ));
        assertFalse(acl.allowed("secret/data/app/x", Capability.UPDATE));
        assertTrue(acl.allowed("secret/data/app/x", Capability.READ));
        assertFalse(Acl.of(List.of()).allowed("secret/data/app/x", Capability.READ));
    }

    @Test
    void mostSpecificPathWins() {
        Acl acl = acl("""
                path "secret/data/*" { capabilities = ["read", "update"] }
                path "secret/data/app/admin" { capabilities = ["read"] }
                path "secret/data/app/+/config" { capabilities = ["list"] }
                """);
        assertTrue(acl.allowed("secret/data/app/db", Capability.UPDATE));
        assertFalse(acl.allowed("secret/data/app/admin", Capability.UPDATE), "the exact path is more specific than the glob");
        assertTrue(acl.allowed("secret/data/app/admin", Capability.READ));
        assertTrue(acl.allowed("secret/data/app/x/config", Capability.LIST));
        assertFalse(acl.allowed("secret/data/app/x/config", Capability.READ), "+ segment pattern beats the earlier glob");
    }

    @Test
    void denyOverridesGrantsOnTheSamePathAcrossPolicies() {
        Acl acl = acl("path \"secret/data/hr/*\" { capabilities = [\"read\", \"list\"] }",
                "path \"secret/data/hr/*\" { capabilities = [\"deny\"] }");
        assertFalse(acl.allowed("secret/data/hr/salaries", Capability.READ));
    }

    @Test
    void jsonPoliciesAreAccepted() {
        Acl acl = acl("{\"path\":{\"transit/encrypt/orders\":{\"capabilities\":[\"update\"]}}}");
        assertTrue(acl.allowed("transit/encrypt/orders", Capability.UPDATE));
        assertFalse(acl.allowed("transit/decrypt/orders", Capability.UPDATE));
    }

    @Test
    void malformedPoliciesAreRefusedWithTheLine() {
        VaultError e = assertThrows(VaultError.class, () -> AclPolicy.parse("bad", "path \"a\" {\n capabilities = [\"fly\"] }"));
        assertEquals(400, e.status());
        assertEquals("invalid capability \"fly\"", e.errors().getFirst());
        VaultError line = assertThrows(VaultError.class, () -> AclPolicy.parse("bad", "\n\nname \"x\" {}"));
        assertEquals("failed to parse policy: line 3: expected 'path', found 'name'", line.errors().getFirst());
        assertThrows(VaultError.class, () -> AclPolicy.parse("bad", "path \"a*b\" { capabilities = [\"read\"] }"));
    }
}
