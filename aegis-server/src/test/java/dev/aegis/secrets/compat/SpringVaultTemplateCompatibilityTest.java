package dev.aegis.secrets.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.server.AegisServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.VaultClients;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.core.VaultTransitOperations;
import org.springframework.vault.core.VaultVersionedKeyValueOperations;
import org.springframework.vault.support.VaultMount;
import org.springframework.vault.support.VaultToken;
import org.springframework.vault.support.Versioned;
import org.springframework.vault.VaultException;

/**
 * Drives a started Aegis server with Spring Vault's {@link VaultTemplate} (spring-vault-core 4.0.3): KV v2
 * versions, soft delete, undelete, destroy; transit encrypt/decrypt/rewrap; AppRole login.
 */
class SpringVaultTemplateCompatibilityTest {
    @TempDir
    static Path dataDir;
    static AegisServer server;
    static VaultEndpoint endpoint;
    static VaultTemplate root;

    @BeforeAll
    static void start() {
        server = SecretsTestServer.start(dataDir, Map.of());
        endpoint = VaultEndpoint.from(URI.create(server.baseUrl() + "/v1/"));
        root = new VaultTemplate(endpoint, new SimpleClientHttpRequestFactory(),
                () -> VaultToken.of(server.secretsRootToken().orElseThrow()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void versionedKeyValueWriteReadDeleteUndeleteDestroy() {
        VaultVersionedKeyValueOperations kv = root.opsForVersionedKeyValue("secret");
        Versioned.Metadata v1 = kv.put("payments/stripe", Map.of("api_key", "sk_first"));
        Versioned.Metadata v2 = kv.put("payments/stripe", Map.of("api_key", "sk_second"));
        assertEquals(1, v1.getVersion().getVersion());
        assertEquals(2, v2.getVersion().getVersion());

        assertEquals("sk_second", kv.get("payments/stripe").getRequiredData().get("api_key"));
        Versioned<Map<String, Object>> first = kv.get("payments/stripe", Versioned.Version.from(1));
        assertEquals("sk_first", first.getRequiredData().get("api_key"));

        kv.delete("payments/stripe", Versioned.Version.from(2));
        Versioned<Map<String, Object>> deleted = kv.get("payments/stripe", Versioned.Version.from(2));
        assertTrue(deleted == null || !deleted.hasData(), "a soft-deleted version has no data");

        kv.undelete("payments/stripe", Versioned.Version.from(2));
        assertEquals("sk_second", kv.get("payments/stripe").getRequiredData().get("api_key"));

        kv.destroy("payments/stripe", Versioned.Version.from(1));
        Versioned<Map<String, Object>> destroyed = kv.get("payments/stripe", Versioned.Version.from(1));
        assertTrue(destroyed == null || !destroyed.hasData(), "a destroyed version has no data");
        assertTrue(kv.list("payments/").contains("stripe"));
    }

    @Test
    void transitEncryptDecryptRewrap() {
        root.opsForSys().mount("transit", VaultMount.create("transit"));
        VaultTransitOperations transit = root.opsForTransit("transit");
        transit.createKey("tokens");
        String ciphertext = transit.encrypt("tokens", "pan=4111111111111111");
        assertTrue(ciphertext.startsWith("vault:v1:"));
        transit.rotate("tokens");
        String rewrapped = transit.rewrap("tokens", ciphertext);
        assertTrue(rewrapped.startsWith("vault:v2:"));
        assertNotEquals(ciphertext, rewrapped);
        assertEquals("pan=4111111111111111", transit.decrypt("tokens", ciphertext));
        assertEquals("pan=4111111111111111", transit.decrypt("tokens", rewrapped));
    }

    @Test
    void appRoleAuthenticationLogsInAndReads() {
        root.opsForSys().authMount("approle", VaultMount.create("approle"));
        root.write("sys/policies/acl/orders", Map.of("policy",
                "path \"secret/data/orders/*\" { capabilities = [\"read\"] }"));
        root.write("auth/approle/role/orders", Map.of("token_policies", List.of("orders"), "token_ttl", "5m"));
        String roleId = (String) root.read("auth/approle/role/orders/role-id").getRequiredData().get("role_id");
        String secretId = (String) root.write("auth/approle/role/orders/secret-id", Map.of()).getRequiredData()
                .get("secret_id");
        root.opsForVersionedKeyValue("secret").put("orders/db", Map.of("password", "pw-orders"));

        AppRoleAuthentication login = new AppRoleAuthentication(AppRoleAuthenticationOptions.builder()
                .roleId(AppRoleAuthenticationOptions.RoleId.provided(roleId))
                .secretId(AppRoleAuthenticationOptions.SecretId.provided(secretId)).build(),
                VaultClients.createRestTemplate(endpoint, new SimpleClientHttpRequestFactory()));
        VaultToken token = login.login();
        assertNotNull(token.getToken());
        VaultTemplate app = new VaultTemplate(endpoint, new TokenAuthentication(token));
        assertEquals("pw-orders", app.opsForVersionedKeyValue("secret").get("orders/db").getRequiredData().get("password"));
        assertThrows(VaultException.class, () -> app.opsForVersionedKeyValue("secret").put("orders/db",
                Map.of("password", "overwritten")));
        VaultTemplate stranger = new VaultTemplate(endpoint, new TokenAuthentication("hvs.not-a-token"));
        assertThrows(VaultException.class, () -> stranger.opsForVersionedKeyValue("secret").get("orders/db"));
    }
}
