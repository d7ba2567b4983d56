package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.time.Clock;

/** Test fixture: a fresh store on H2 or the per-JVM embedded PostgreSQL, with key material and the identity pepper. */
final class IdentityDatabase implements AutoCloseable {

    /** The two storage backends every storage test runs against. */
    enum Backend {
        H2, POSTGRESQL;

        StoreConfig config(Path dir) {
            return this == H2 ? PostgresTestServer.freshEmbedded(dir) : PostgresTestServer.freshDatabase();
        }
    }

    final Store store;
    final KeyMaterialStore keys;
    final HmacFingerprint pepper;
    final Clock clock = Clock.systemUTC();

    IdentityDatabase(Backend backend, Path dir) throws Exception {
        this.store = Store.open(backend.config(dir));
        this.keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), clock);
        this.pepper = IdentityPepper.load(keys, clock);
    }

    long count(String sql) {
        return store.inTransaction(c -> {
            try (var s = c.createStatement(); var r = s.executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    @Override
    public void close() {
        store.close();
    }
}
