package dev.aegis.secrets.internal;

import dev.aegis.secrets.api.SealType;
import dev.aegis.store.testing.PostgresTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One unsealed engine on H2 and one on PostgreSQL per test JVM (start-up is the slow part), shared by the test
 * classes that run the same behaviour on both databases. Each test uses its own paths, so they do not interfere.
 */
final class SharedHarnesses {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static SecretsHarness h2;
    private static SecretsHarness postgres;

    private SharedHarnesses() {
    }

    static SecretsHarness h2() {
        LOCK.lock();
        try {
            if (h2 == null) {
                Path dir = tempDir("h2");
                h2 = SecretsHarness.start(PostgresTestServer.freshEmbedded(dir), dir, SealType.FILE);
                closeAtExit(h2);
            }
            return h2;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LOCK.unlock();
        }
    }

    static SecretsHarness postgres() {
        LOCK.lock();
        try {
            if (postgres == null) {
                postgres = SecretsHarness.start(PostgresTestServer.freshDatabase(), tempDir("pg"), SealType.FILE);
                closeAtExit(postgres);
            }
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LOCK.unlock();
        }
    }

    /** Both databases, for {@code @MethodSource}. */
    static List<SecretsHarness> both() {
        return List.of(h2(), postgres());
    }

    private static Path tempDir(String name) throws IOException {
        Path dir = Files.createTempDirectory("aegis-secrets-" + name);
        dir.toFile().deleteOnExit();
        return dir;
    }

    private static void closeAtExit(SecretsHarness h) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                h.close();
            } catch (IOException | RuntimeException ignored) {
                // the JVM is exiting
            }
        }));
    }
}
