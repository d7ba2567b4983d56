package dev.aegis.audit.api;

import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;

/**
 * Test fixture: a fresh store (H2 file database or a fresh database on the per-JVM embedded PostgreSQL) with
 * key material, plus raw JDBC for the attacks.
 */
final class AuditDatabase implements AutoCloseable {

    /** The two storage backends every database test runs against. */
    enum Backend {
        H2, POSTGRESQL;

        StoreConfig config(Path dir) {
            return this == H2 ? PostgresTestServer.freshEmbedded(dir) : PostgresTestServer.freshDatabase();
        }
    }

    final Store store;
    final KeyMaterialStore keys;
    final Clock clock = Clock.systemUTC();

    AuditDatabase(Backend backend, Path dir) throws Exception {
        this.store = Store.open(backend.config(dir));
        this.keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), clock);
    }

    AuditLog start(AuditSettings settings, AuditSink... sinks) {
        return AuditLog.start(settings, store, keys, List.of(sinks), clock);
    }

    VerificationReport verify(CheckpointCoverage coverage) {
        return new AuditVerifier().verify(store, AuditVerifier.checkpointKeys(keys.loadRing("audit")), coverage);
    }

    VerificationReport verify() {
        return new AuditVerifier().verify(store, AuditVerifier.checkpointKeys(keys.loadRing("audit")));
    }

    /** Runs one statement in its own transaction, as an attacker with database access would. */
    int sql(String sql, Object... params) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    <T> T query(dev.aegis.store.api.TransactionWork<T> read) {
        return store.inTransaction(read);
    }

    @Override
    public void close() {
        store.close();
    }
}
