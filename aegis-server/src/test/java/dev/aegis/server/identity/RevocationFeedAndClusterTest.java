package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation reaches subscribers in well under a second: a gateway-like client following the event stream
 * ({@code GET /events/v1/stream?topics=token.revoked}) sees the revoked token's {@code jti}; and two Aegis nodes
 * sharing one PostgreSQL database serve one identity provider: a client registered on one node gets tokens from
 * the other, and a token revoked on one node is inactive on the other within a second.
 */
class RevocationFeedAndClusterTest {
    @TempDir
    Path dir;

    private static String token(String baseUrl, String secret) throws Exception {
        HttpResponse<String> r = IdentityServer.HTTP.send(HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", IdentityServer.basic("svc", secret))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return IdentityServer.JSON.readTree(r.body()).get("access_token").asText();
    }

    private static HttpResponse<String> post(String baseUrl, String path, String secret, String body) throws Exception {
        return IdentityServer.HTTP.send(HttpRequest.newBuilder(java.net.URI.create(baseUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", IdentityServer.basic("svc", secret))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean active(String baseUrl, String secret, String token) throws Exception {
        return IdentityServer.JSON.readTree(post(baseUrl, "/oauth2/introspect", secret, "token=" + token).body())
                .get("active").asBoolean();
    }

    @Test
    void aRevokedTokenAppearsOnTheEventStreamWithinASecond() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dir)) {
            String secret = aegis.createClient("{\"client_id\":\"svc\",\"scopes\":[\"api:read\"]}").get("client_secret").asText();
            String token = token(aegis.server.baseUrl(), secret);
            String jti = SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
            HttpResponse<InputStream> stream = IdentityServer.HTTP.send(HttpRequest.newBuilder(
                    aegis.uri("/events/v1/stream?topics=token.revoked")).header("Authorization", "Bearer " + aegis.admin).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                    try {
                        for (String line; (line = lines.readLine()) != null; ) {
                            if (line.startsWith("data:") && line.contains(jti)) {
                                return line;
                            }
                        }
                        return null;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                long start = System.nanoTime();
                assertEquals(200, post(aegis.server.baseUrl(), "/oauth2/revoke", secret, "token=" + token).statusCode());
                String event = seen.get(1, TimeUnit.SECONDS);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(event.contains("\"client_id\":\"svc\""), event);
                assertTrue(millis < 1000, "revocation reached the subscriber in " + millis + " ms");
            }
        }
    }

    @Test
    void twoNodesOnOnePostgresqlDatabaseShareClientsAndRevocations() throws Exception {
        StoreConfig database = PostgresTestServer.freshDatabase();
        Map<String, String> shared = Map.of("storage.type", "postgres", "storage.postgres.url", database.jdbcUrl(),
                "storage.postgres.user", database.username(), "storage.postgres.password", "postgres",
                "keys.root-key-file", dir.resolve("root.key").toString(), "server.port", "0", "server.shutdown-grace", "1s",
                "storage.pool-size", "4",
                // Every node of a cluster names the one public issuer (otherwise each would be its own issuer).
                "identity.issuer", "https://aegis.example");
        Map<String, String> a = new java.util.HashMap<>(shared);
        a.put("data-dir", dir.resolve("a").toString());
        Map<String, String> b = new java.util.HashMap<>(shared);
        b.put("data-dir", dir.resolve("b").toString());
        try (AegisServer nodeA = AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), a), Clock.systemUTC());
             AegisServer nodeB = AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), b), Clock.systemUTC())) {
            String admin = nodeA.bootstrapCredential().orElseThrow();
            HttpResponse<String> created = IdentityServer.HTTP.send(HttpRequest.newBuilder(java.net.URI.create(
                    nodeA.baseUrl() + "/admin/v1/clients")).header("Authorization", "Bearer " + admin)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"client_id\":\"svc\",\"scopes\":[\"api:read\"],\"audiences\":[\"api\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            JsonNode client = IdentityServer.JSON.readTree(created.body());
            String secret = client.get("client_secret").asText();

            String fromB = token(nodeB.baseUrl(), secret);
            assertTrue(active(nodeA.baseUrl(), secret, fromB), "a token from node B verifies on node A (one key ring)");
            assertTrue(active(nodeB.baseUrl(), secret, fromB));

            assertEquals(200, post(nodeA.baseUrl(), "/oauth2/revoke", secret, "token=" + fromB).statusCode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            boolean stillActive = true;
            while (stillActive && System.nanoTime() < deadline) {
                stillActive = active(nodeB.baseUrl(), secret, fromB);
                if (stillActive) {
                    Thread.sleep(20);
                }
            }
            assertTrue(!stillActive, "revoked on node A, inactive on node B within a second");
        }
    }
}
