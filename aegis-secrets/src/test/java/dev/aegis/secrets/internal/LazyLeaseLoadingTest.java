package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.secrets.api.SealType;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases are never loaded at start-up: with a million (far-future) leases in the PostgreSQL table, start-up takes about as
 * long as with none and the heap does not grow with them; the expiry reaper touches only expired rows.
 */
class LazyLeaseLoadingTest {
    private static final int LEASES = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void aMillionLeasesNeitherSlowStartUpNorFillMemory() throws Exception {
        StoreConfig database = PostgresTestServer.freshDatabase();
        long emptyStart;
        long t0 = System.nanoTime();
        try (SecretsHarness h = SecretsHarness.start(database, dir, SealType.FILE)) {
            emptyStart = System.nanoTime() - t0;
            int inserted = h.store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_leases (lease_id, token_accessor,"
                        + " engine, issued_at, renewed_at, expires_at, max_expires_at, renewable, revoke_data, state)"
                        + " SELECT 'database/creds/bulk/' || g, NULL, 'database', now(), NULL, now() + interval '1 year',"
                        + " now() + interval '1 year', TRUE, '\\x01'::bytea, 'active' FROM generate_series(1, ?) g")) {
                    ps.setInt(1, LEASES);
                    return ps.executeUpdate();
                }
            });
            assertEquals(LEASES, inserted);
        }
        System.gc();
        long heapBefore = usedHeap();
        long t1 = System.nanoTime();
        try (SecretsHarness h = SecretsHarness.start(database, dir, SealType.FILE)) {
            long fullStart = System.nanoTime() - t1;
            Thread.sleep(600); // a few reaper passes over the table
            System.gc();
            long grown = usedHeap() - heapBefore;
            assertTrue(fullStart < emptyStart + 3_000_000_000L,
                    "start-up with " + LEASES + " leases took " + fullStart / 1_000_000 + " ms vs " + emptyStart / 1_000_000);
            assertTrue(grown < 64L * 1024 * 1024, "heap grew by " + grown / (1024 * 1024) + " MiB");
            Instant probe = Instant.now();
            assertEquals(0, new LeaseStore(h.store, null, java.time.Clock.systemUTC()).reapExpired(500),
                    "nothing is expired, so the reaper revoked nothing at " + probe);
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
