package dev.aegis.policy.internal;

import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.store.api.Store;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite with union branches evaluated concurrently on virtual threads. */
class ConformanceParallelUnionsTest {
    @TempDir
    static Path dir;
    static Store store;
    static Engine engine;

    @BeforeAll
    static void open() {
        store = Store.open(PostgresTestServer.freshEmbedded(dir));
        engine = new Engine(store, null, AuthzSettings.defaults().withParallelUnions(true), Clock.systemUTC(), List.of());
    }

    @AfterAll
    static void close() {
        engine.close();
        store.close();
    }

    @TestFactory
    Stream<DynamicNode> conformance() {
        return ConformanceSuite.tests(engine);
    }
}
