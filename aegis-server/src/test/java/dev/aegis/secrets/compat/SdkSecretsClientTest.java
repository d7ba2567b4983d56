package dev.aegis.secrets.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.sdk.api.secrets.SecretsClient;
import dev.aegis.server.AegisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's secrets client against a real Aegis secrets manager over HTTP. */
class SdkSecretsClientTest {
    @TempDir
    Path dataDir;

    @Test
    void aServiceReadsItsSecretWithCachingRenewsItsTokenAndIsDeniedElsewhere() throws Exception {
        try (AegisServer server = SecretsTestServer.start(dataDir, Map.of())) {
            String root = server.secretsRootToken().orElseThrow();
            assertEquals(204, SecretsTestServer.call(server, "PUT", "sys/policies/acl/orders", root,
                    "{\"policy\":\"path \\\"secret/data/orders/*\\\" { capabilities = [\\\"read\\\"] }\"}").statusCode());
            assertEquals(200, SecretsTestServer.call(server, "POST", "secret/data/orders/db", root,
                    "{\"data\":{\"user\":\"orders\",\"password\":\"first-pass\"}}").statusCode());
            assertEquals(200, SecretsTestServer.call(server, "POST", "secret/data/payments/db", root,
                    "{\"data\":{\"password\":\"not-yours\"}}").statusCode());
            HttpResponse<String> created = SecretsTestServer.call(server, "POST", "auth/token/create", root,
                    "{\"policies\":[\"orders\"],\"ttl\":\"1h\"}");
            assertEquals(200, created.statusCode(), created.body());
            String serviceToken = new ObjectMapper().readTree(created.body()).path("auth").path("client_token").asText();

            SecretsClient client = new SecretsClient(HttpClient.newHttpClient(), URI.create(server.baseUrl()),
                    SecretBytes.copyOf(serviceToken.getBytes(StandardCharsets.UTF_8)), Duration.ofMinutes(5), Clock.systemUTC());
            Map<String, SecretBytes> db = client.kv("secret", "orders/db");
            assertEquals("first-pass", new String(db.get("password").revealCopy(), StandardCharsets.UTF_8));
            assertFalse(db.get("password").toString().contains("first-pass"), "values print redacted");

            SecretsTestServer.call(server, "POST", "secret/data/orders/db", root, "{\"data\":{\"password\":\"second-pass\"}}");
            assertEquals("first-pass", new String(client.kv("secret", "orders/db").get("password").revealCopy(),
                    StandardCharsets.UTF_8), "served from the cache");
            client.invalidate("secret", "orders/db");
            assertEquals("second-pass", new String(client.kv("secret", "orders/db").get("password").revealCopy(),
                    StandardCharsets.UTF_8), "the new version after invalidation");

            SecretsClient.SecretsException denied = assertThrows(SecretsClient.SecretsException.class,
                    () -> client.kv("secret", "payments/db"));
            assertEquals(403, denied.status());
            assertFalse(denied.getMessage().contains(serviceToken));

            assertTrue(client.renewTokenIfDue(), "the first call renews and learns the TTL");
            assertFalse(client.renewTokenIfDue(), "not again before half the TTL");
        }
    }
}
