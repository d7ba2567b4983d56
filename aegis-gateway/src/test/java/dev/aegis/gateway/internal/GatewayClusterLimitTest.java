package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.gateway.api.Gateway;
import dev.aegis.ratelimit.testing.RedisTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway instances share their limits through one real Redis (started by the test); when Redis is
 * stopped, a fail-open route keeps serving and a fail-closed route refuses with 503, and both count it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayClusterLimitTest {

    @TempDir
    static Path dir;
    static RedisTestServer redis;
    static TestWorld world;
    static Gateway first;
    static Gateway second;
    static Gateway openFirst;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisTestServer.start();
        world = new TestWorld(dir);
        TestWorld.Upstream upstream = world.upstream("api");
        String routes = """
                redis: { uri: "%s", on-unavailable: %s, timeout: 300ms }
                routes:
                  - id: shared
                    match: { path-prefix: /shared }
                    upstream: { targets: [%s] }
                    auth: { methods: [none] }
                    limits:
                      - { by: route, max: 10, window: 1m }
                """;
        Path closed = world.writeRoutes("closed.yaml", routes.formatted(redis.uri(), "fail-closed", upstream.url()));
        Path open = world.writeRoutes("open.yaml", routes.formatted(redis.uri(), "fail-open", upstream.url())
                .replace("id: shared", "id: shared-open").replace("/shared", "/open"));
        first = world.gateway(closed);
        second = world.gateway(closed);
        openFirst = world.gateway(open);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
        redis.close();
    }

    @Test
    @Order(1)
    void twoGatewayInstancesShareOneExactLimitThroughRedis() throws Exception {
        int allowed = 0;
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            int s = world.get(i % 2 == 0 ? first : second, "/shared/" + i).statusCode();
            if (s == 200) {
                allowed++;
            } else if (s == 429) {
                limited++;
            }
        }
        assertEquals(10, allowed, "10 per minute across both instances, not 10 each");
        assertEquals(20, limited);
    }

    @Test
    @Order(2)
    void redisStoppedFailClosedRouteRefusesWith503AndFailOpenRouteServes() throws Exception {
        redis.stop();
        try {
            var closed = world.get(first, "/shared/outage");
            assertEquals(503, closed.statusCode());
            assertEquals("1", closed.headers().firstValue("Retry-After").orElse(""));
            assertEquals(200, world.get(openFirst, "/open/outage").statusCode());
            String scrape = world.metrics.scrape();
            assertTrue(scrape.contains("aegis_ratelimit_store_unavailable_total"), scrape);
        } finally {
            redis.startAgain();
        }
        // Lettuce reconnects by itself: the fail-closed route answers again (the restarted Redis kept no counters).
        int status = 503;
        for (int i = 0; i < 100 && status == 503; i++) {
            Thread.sleep(100);
            status = world.get(first, "/shared/after").statusCode();
        }
        assertEquals(200, status);
    }
}
