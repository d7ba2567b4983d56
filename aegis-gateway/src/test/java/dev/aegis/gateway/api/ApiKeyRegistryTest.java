package dev.aegis.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The API key table on both databases: embedded H2 and a real PostgreSQL started by the test. */
class ApiKeyRegistryTest {

    @TempDir
    static Path dir;

    static Stream<String> databases() {
        return Stream.of("h2", "postgres");
    }

    static Store open(String db) {
        StoreConfig c = "h2".equals(db) ? PostgresTestServer.freshEmbedded(dir.resolve("h2-" + System.nanoTime()))
                : PostgresTestServer.freshDatabase();
        return Store.open(c);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void createLookupRevokeAndListOnEachDatabase(String db) {
        try (Store store = open(db)) {
            HmacFingerprint pepper = new HmacFingerprint(SecretBytes.random(32));
            ApiKeyRegistry keys = new ApiKeyRegistry(store, pepper::of, Clock.systemUTC());
            CreatedApiKey a = keys.create("acme", Set.of("reports", "billing"), Set.of("get"), 10, Duration.ofMinutes(1),
                    Instant.now().plusSeconds(3600));
            CreatedApiKey b = keys.create("acme", Set.of("*"), Set.of("*"), 0, Duration.ZERO, null);
            ApiKeyInfo found = keys.lookup(a.revealKey());
            assertNotNull(found);
            assertEquals(Set.of("GET"), found.methods());
            assertTrue(found.permits("billing", "GET"));
            assertFalse(found.permits("admin", "GET"));
            assertNull(keys.lookup(a.revealKey().substring(0, 59) + (a.revealKey().endsWith("A") ? "B" : "A")));
            assertEquals(2, keys.list("acme").size());
            assertTrue(keys.revoke(a.info().keyId()));
            assertNull(keys.lookup(a.revealKey()));
            assertNotNull(keys.lookup(b.revealKey()));
            ApiKeyRegistry otherNode = new ApiKeyRegistry(store, pepper::of, Clock.systemUTC());
            otherNode.refresh();
            assertNull(otherNode.lookup(a.revealKey()), "another node sees the revocation after its refresh");
            assertNotNull(otherNode.lookup(b.revealKey()));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void badRequestsAreRefusedAndNothingIsWritten(String db) {
        try (Store store = open(db)) {
            ApiKeyRegistry keys = new ApiKeyRegistry(store, new HmacFingerprint(SecretBytes.random(32))::of, Clock.systemUTC());
            assertThrows(IllegalArgumentException.class, () -> keys.create("", Set.of("*"), Set.of("*"), 0, Duration.ZERO, null));
            assertThrows(IllegalArgumentException.class, () -> keys.create("x", Set.of(), Set.of("*"), 0, Duration.ZERO, null));
            assertThrows(IllegalArgumentException.class,
                    () -> keys.create("x", Set.of("*"), Set.of("*"), 0, Duration.ZERO, Instant.now().minusSeconds(1)));
            assertEquals(0, keys.list(null).size());
        }
    }
}
