package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aegis.secrets.api.SealType;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database (a cluster): a node sees its own writes at once; another node's write
 * reaches it through {@code invalidate} (the event stream's secret.changed), and CAS stays exact across nodes.
 */
class ClusterReadCacheTest {
    @TempDir
    Path dir;

    @Test
    void writesOnOneNodeAreSeenOnTheOtherAfterInvalidationAndCasIsExactAcrossNodes() throws Exception {
        StoreConfig db = PostgresTestServer.freshDatabase();
        try (SecretsHarness a = SecretsHarness.start(db, dir, SealType.FILE);
             SecretsHarness b = SecretsHarness.start(db, dir, SealType.FILE)) {
            String root = a.rootToken();
            a.call("POST", "secret/data/shared", root, "{\"data\":{\"v\":\"1\"}}");
            assertEquals("1", b.call("GET", "secret/data/shared", root, null).data().path("data").path("v").asText());
            a.call("POST", "secret/data/shared", root, "{\"data\":{\"v\":\"2\"}}");
            assertEquals("2", a.call("GET", "secret/data/shared", root, null).data().path("data").path("v").asText(),
                    "read your own write");
            b.engine.invalidate("secret/shared");
            assertEquals("2", b.call("GET", "secret/data/shared", root, null).data().path("data").path("v").asText());

            assertEquals(200, b.call("POST", "secret/data/shared", root, "{\"options\":{\"cas\":2},\"data\":{\"v\":\"3\"}}").status());
            assertEquals(400, a.call("POST", "secret/data/shared", root, "{\"options\":{\"cas\":2},\"data\":{\"v\":\"x\"}}").status(),
                    "the CAS check reads the locked row, never the cache");
            Thread.sleep(2100); // without an event, the entry expires after the cache TTL
            assertEquals("3", a.call("GET", "secret/data/shared", root, null).data().path("data").path("v").asText());
        }
    }
}
