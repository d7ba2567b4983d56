package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.gateway.api.ApiKeyInfo;
import dev.aegis.gateway.api.CreatedApiKey;
import dev.aegis.gateway.api.Gateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys (seed 002) through the gateway over real HTTP, stored in the embedded database. */
class GatewayApiKeyTest {

    @TempDir
    static Path dir;
    static TestWorld world;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir);
        TestWorld.Upstream upstream = world.upstream("reports");
        Path routes = world.writeRoutes("routes.yaml", """
                routes:
                  - id: reports
                    match: { path-prefix: /reports, methods: [GET, POST] }
                    upstream: { targets: [%1$s] }
                    auth: { methods: [api-key] }
                  - id: billing
                    match: { path-prefix: /billing, methods: [GET] }
                    upstream: { targets: [%1$s] }
                    auth: { methods: [api-key] }
                """.formatted(upstream.url()));
        gateway = world.gateway(routes);
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void keyHasAVisiblePrefixAndIsStoredOnlyAsAKeyedHash() throws Exception {
        CreatedApiKey k = world.apiKeys.create("acme", Set.of("reports"), Set.of("GET"), 0, Duration.ZERO, null);
        String key = k.revealKey();
        assertTrue(key.startsWith("agk_" + k.info().keyId() + "_"));
        assertEquals(60, key.length());
        assertFalse(k.toString().contains(key.substring(17)));
        try (var c = world.store.dataSource().getConnection();
             var rs = c.createStatement().executeQuery("SELECT key_hash FROM gw_api_keys WHERE key_id = '" + k.info().keyId() + "'")) {
            rs.next();
            String stored = rs.getString(1);
            assertTrue(stored.startsWith("hmac-sha256:"));
            assertFalse(stored.contains(key.substring(17)));
        }
    }

    @Test
    void validKeyIsForwardedAndTheUpstreamSeesOnlyTheKeyId() throws Exception {
        CreatedApiKey k = world.apiKeys.create("acme", Set.of("reports"), Set.of("GET"), 0, Duration.ZERO, null);
        HttpResponse<String> r = world.get(gateway, "/reports/q3", "X-API-Key", k.revealKey());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, String> h = TestWorld.echoedHeaders(r);
        assertEquals(k.info().keyId(), h.get("x-aegis-api-key-id"));
        assertEquals("acme", h.get("x-aegis-subject"));
        assertFalse(h.containsKey("x-api-key"), "the key itself never reaches the upstream");
        assertEquals(200, world.get(gateway, "/reports/q3", "Authorization", "ApiKey " + k.revealKey()).statusCode());
    }

    @Test
    void unknownAndMalformedKeysAreRefused() throws Exception {
        assertEquals(401, world.get(gateway, "/reports/x", "X-API-Key", "agk_AAAAAAAAAAAA_" + "B".repeat(43)).statusCode());
        assertEquals(401, world.get(gateway, "/reports/x", "X-API-Key", "hunter2").statusCode());
    }

    @Test
    void keyIsScopedToItsRoutesAndMethods() throws Exception {
        CreatedApiKey k = world.apiKeys.create("acme", Set.of("reports"), Set.of("GET"), 0, Duration.ZERO, null);
        assertEquals(403, world.get(gateway, "/billing/x", "X-API-Key", k.revealKey()).statusCode());
        assertEquals(403, world.send(gateway, "POST", "/reports/x", "{}", "X-API-Key", k.revealKey()).statusCode());
    }

    @Test
    void revokedKeyIsRefusedImmediately() throws Exception {
        CreatedApiKey k = world.apiKeys.create("acme", Set.of("*"), Set.of("*"), 0, Duration.ZERO, null);
        assertEquals(200, world.get(gateway, "/reports/x", "X-API-Key", k.revealKey()).statusCode());
        assertTrue(world.apiKeys.revoke(k.info().keyId()));
        assertEquals(401, world.get(gateway, "/reports/x", "X-API-Key", k.revealKey()).statusCode());
        assertFalse(world.apiKeys.revoke(k.info().keyId()), "already revoked");
    }

    @Test
    void expiredKeyIsRefused() throws Exception {
        CreatedApiKey k = world.apiKeys.create("acme", Set.of("*"), Set.of("*"), 0, Duration.ZERO,
                Instant.now().plusMillis(400));
        assertEquals(200, world.get(gateway, "/reports/x", "X-API-Key", k.revealKey()).statusCode());
        Thread.sleep(500);
        assertEquals(401, world.get(gateway, "/reports/x", "X-API-Key", k.revealKey()).statusCode());
    }

    @Test
    void twoActiveKeysPerConsumerAllowRotationWithoutDowntime() throws Exception {
        CreatedApiKey old = world.apiKeys.create("rotating", Set.of("*"), Set.of("*"), 0, Duration.ZERO, null);
        CreatedApiKey fresh = world.apiKeys.create("rotating", Set.of("*"), Set.of("*"), 0, Duration.ZERO, null);
        assertEquals(200, world.get(gateway, "/reports/x", "X-API-Key", old.revealKey()).statusCode());
        assertEquals(200, world.get(gateway, "/reports/x", "X-API-Key", fresh.revealKey()).statusCode());
        world.apiKeys.revoke(old.info().keyId());
        assertEquals(401, world.get(gateway, "/reports/x", "X-API-Key", old.revealKey()).statusCode());
        assertEquals(200, world.get(gateway, "/reports/x", "X-API-Key", fresh.revealKey()).statusCode());
        List<ApiKeyInfo> listed = world.apiKeys.list("rotating");
        assertEquals(2, listed.size());
    }

    @Test
    void perKeyLimitAnswers429() throws Exception {
        CreatedApiKey k = world.apiKeys.create("metered", Set.of("*"), Set.of("*"), 3, Duration.ofMinutes(1), null);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, world.get(gateway, "/reports/x", "X-API-Key", k.revealKey()).statusCode());
        }
        HttpResponse<String> r = world.get(gateway, "/reports/x", "X-API-Key", k.revealKey());
        assertEquals(429, r.statusCode());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void auditRecordsNameTheKeyIdNeverTheKey() throws Exception {
        CreatedApiKey k = world.apiKeys.create("audited", Set.of("*"), Set.of("*"), 0, Duration.ZERO, null);
        assertEquals(200, world.get(gateway, "/reports/audit", "X-API-Key", k.revealKey()).statusCode());
        String secretPart = k.revealKey().substring(17);
        long deadline = System.nanoTime() + 5_000_000_000L;
        boolean found = false;
        while (!found && System.nanoTime() < deadline) {
            try (var c = world.store.dataSource().getConnection();
                 var rs = c.createStatement().executeQuery("SELECT actor FROM audit_records WHERE actor = 'apikey:"
                         + k.info().keyId() + "'")) {
                found = rs.next();
            }
            Thread.sleep(50);
        }
        assertTrue(found, "audited by key id");
        try (var c = world.store.dataSource().getConnection();
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM audit_records WHERE actor LIKE '%"
                     + secretPart + "%' OR reason LIKE '%" + secretPart + "%' OR resource LIKE '%" + secretPart + "%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }
}
