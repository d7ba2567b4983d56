package dev.aegis.secrets.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.server.AegisServer;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives a started Aegis server with the real {@code io.github.jopenlibs:vault-java-driver} client: KV v2
 * write/read/versions/delete/undelete/destroy, transit encrypt/decrypt/rewrap and AppRole login.
 */
class VaultJavaDriverCompatibilityTest {
    @TempDir
    static Path dataDir;
    static AegisServer server;
    static String rootToken;

    @BeforeAll
    static void start() {
        server = SecretsTestServer.start(dataDir, Map.of());
        rootToken = server.secretsRootToken().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Vault vault(String token) throws VaultException {
        return Vault.create(new VaultConfig().address(server.baseUrl()).token(token).engineVersion(2).build(), 2);
    }

    @Test
    void kvV2WriteReadVersionsDeleteUndeleteDestroy() throws Exception {
        Vault vault = vault(rootToken);
        vault.logical().write("secret/app/db", Map.of("password", "first-secret"));
        vault.logical().write("secret/app/db", Map.of("password", "second-secret"));

        assertEquals("second-secret", vault.logical().read("secret/app/db").getData().get("password"));
        assertEquals("first-secret", vault.logical().read("secret/app/db", true, 1).getData().get("password"));

        vault.logical().delete("secret/app/db", new int[] {2});
        LogicalResponse deleted = vault.logical().read("secret/app/db", true, 2);
        assertEquals(404, deleted.getRestResponse().getStatus());

        vault.logical().unDelete("secret/app/db", new int[] {2});
        assertEquals("second-secret", vault.logical().read("secret/app/db", true, 2).getData().get("password"));

        vault.logical().destroy("secret/app/db", new int[] {1});
        assertEquals(404, vault.logical().read("secret/app/db", true, 1).getRestResponse().getStatus());
        assertEquals("second-secret", vault.logical().read("secret/app/db").getData().get("password"));

        assertTrue(vault.logical().list("secret/app").getListData().contains("db"));
        var list = SecretsTestServer.call(server, "LIST", "secret/metadata/app/", rootToken, null);
        assertEquals(200, list.statusCode(), "Vault's own LIST method (the vault CLI uses it)");
        assertTrue(list.body().contains("\"db\""), list.body());
        assertEquals("no-store", list.headers().firstValue("Cache-Control").orElse(""));

        java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var sub = server.events().subscribe("secret.changed", 0,
                e -> events.add(e.subject() + " v" + e.attributes().get("version") + " " + e.attributes().get("change")))) {
            assertTrue(events.contains("secret/app/db v2 write"), events.toString());
            assertTrue(events.contains("secret/app/db v2 delete"), events.toString());
            assertTrue(events.contains("secret/app/db v1 destroy"), events.toString());
        }
    }

    @Test
    void transitEncryptDecryptRewrap() throws Exception {
        Vault vault = Vault.create(new VaultConfig().address(server.baseUrl()).token(rootToken).engineVersion(1).build(), 1);
        vault.logical().write("sys/mounts/transit", Map.of("type", "transit"));
        vault.logical().write("transit/keys/orders", Map.of());
        String plain = Base64.getEncoder().encodeToString("card 4111".getBytes(StandardCharsets.UTF_8));
        String ciphertext = vault.logical().write("transit/encrypt/orders", Map.of("plaintext", plain))
                .getData().get("ciphertext");
        assertTrue(ciphertext.startsWith("vault:v1:"), ciphertext);

        vault.logical().write("transit/keys/orders/rotate", Map.of());
        String rewrapped = vault.logical().write("transit/rewrap/orders", Map.of("ciphertext", ciphertext))
                .getData().get("ciphertext");
        assertTrue(rewrapped.startsWith("vault:v2:"), rewrapped);
        assertNotEquals(ciphertext, rewrapped);

        for (String c : new String[] {ciphertext, rewrapped}) {
            assertEquals(plain, vault.logical().write("transit/decrypt/orders", Map.of("ciphertext", c))
                    .getData().get("plaintext"));
        }
    }

    @Test
    void appRoleLoginGivesATokenWithTheRolePolicies() throws Exception {
        Vault admin = Vault.create(new VaultConfig().address(server.baseUrl()).token(rootToken).engineVersion(1).build(), 1);
        admin.logical().write("sys/auth/approle", Map.of("type", "approle"));
        admin.logical().write("sys/policies/acl/app-read", Map.of("policy",
                "path \"secret/data/shared/*\" { capabilities = [\"read\"] }"));
        admin.logical().write("auth/approle/role/billing", Map.of("token_policies", "app-read", "token_ttl", "10m"));
        String roleId = admin.logical().read("auth/approle/role/billing/role-id").getData().get("role_id");
        String secretId = admin.logical().write("auth/approle/role/billing/secret-id", Map.of()).getData().get("secret_id");

        vault(rootToken).logical().write("secret/shared/config", Map.of("api_key", "k-123"));

        AuthResponse login = admin.auth().loginByAppRole("approle", roleId, secretId);
        String token = login.getAuthClientToken();
        assertTrue(token.startsWith("hvs."));
        assertTrue(login.getAuthPolicies().contains("app-read"));

        Vault app = vault(token);
        assertEquals("k-123", app.logical().read("secret/shared/config").getData().get("api_key"));
        var raw = SecretsTestServer.call(server, "POST", "secret/data/shared/config", token, "{\"data\":{\"a\":\"b\"}}");
        assertEquals(403, raw.statusCode(), raw.body());
        // The driver reports a refused write as the response status rather than an exception.
        assertEquals(403, app.logical().write("secret/shared/config", Map.of("api_key", "stolen"))
                .getRestResponse().getStatus());
        assertEquals("k-123", app.logical().read("secret/shared/config").getData().get("api_key"));
        assertEquals("app-read", app.auth().lookupSelf().getPolicies().stream().filter("app-read"::equals)
                .findFirst().orElse(null));
        VaultException wrong = assertThrows(VaultException.class,
                () -> admin.auth().loginByAppRole("approle", roleId, "wrong-secret-id"));
        assertEquals(400, wrong.getHttpStatusCode());
    }
}
