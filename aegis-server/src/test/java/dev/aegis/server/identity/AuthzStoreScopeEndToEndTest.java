package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.sdk.api.authz.AuthzClient;
import dev.aegis.sdk.api.authz.AuthzDecision;
import dev.aegis.sdk.api.token.TokenEndpointClient;
import dev.aegis.server.http.AuthzRoutes;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's service holds a client whose only authorization scope is its own store's
 * ({@code aegis:authz:<store_id>}): the identity provider issues it, the SDK checks with it, and another
 * tenant's store refuses it.
 */
class AuthzStoreScopeEndToEndTest {
    @TempDir
    Path dataDir;

    @Test
    void aServiceWithItsStoresScopeChecksThereAndIsForbiddenInAnotherTenantsStore() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dataDir)) {
            String mine = store(aegis, "tenant-a");
            String theirs = store(aegis, "tenant-b");
            String scope = AuthzRoutes.storeScope(mine);
            JsonNode client = aegis.createClient("{\"client_id\":\"tenant-a-app\",\"grant_types\":[\"client_credentials\"],"
                    + "\"scopes\":[\"" + scope + "\"],\"audiences\":[\"" + aegis.server.baseUrl() + "\"]}");
            TokenEndpointClient tokens = new TokenEndpointClient(HttpClient.newHttpClient(), aegis.uri("/oauth2/token"),
                    "tenant-a-app", SecretBytes.copyOf(client.get("client_secret").asText().getBytes(StandardCharsets.UTF_8)),
                    Clock.systemUTC());

            AuthzDecision own = sdk(aegis, mine, tokens, scope).check("user:alice", "owner", "doc:1");
            assertTrue(assertInstanceOf(AuthzDecision.Answered.class, own).allowed(), "its own store answers");

            AuthzDecision.Failed other = assertInstanceOf(AuthzDecision.Failed.class,
                    sdk(aegis, theirs, tokens, scope).check("user:alice", "owner", "doc:1"));
            assertEquals(403, other.status());
            assertEquals("forbidden", other.code());
        }
    }

    private static AuthzClient sdk(IdentityServer aegis, String store, TokenEndpointClient tokens, String scope) {
        return new AuthzClient(HttpClient.newHttpClient(), aegis.uri(""), store, () -> tokens.serviceToken(scope),
                AuthzClient.Settings.defaults());
    }

    /** A store where alice owns doc:1, made by the administrator. */
    private static String store(IdentityServer aegis, String name) throws Exception {
        HttpResponse<String> created = aegis.adminPost("/stores", "{\"name\":\"" + name + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        String store = IdentityServer.JSON.readTree(created.body()).get("id").asText();
        HttpResponse<String> model = IdentityServer.HTTP.send(HttpRequest.newBuilder(aegis.uri("/stores/" + store
                        + "/authorization-models")).header("Authorization", "Bearer " + aegis.admin)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(
                        "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define owner: [user]\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, model.statusCode(), model.body());
        HttpResponse<String> write = aegis.adminPost("/stores/" + store + "/write",
                "{\"writes\":{\"tuple_keys\":[{\"user\":\"user:alice\",\"relation\":\"owner\",\"object\":\"doc:1\"}]}}");
        assertEquals(200, write.statusCode(), write.body());
        return store;
    }
}
