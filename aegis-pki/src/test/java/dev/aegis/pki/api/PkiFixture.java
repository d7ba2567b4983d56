package dev.aegis.pki.api;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real store (H2 file or embedded PostgreSQL), key material, audit log and a CA over them. */
public final class PkiFixture implements AutoCloseable {

    /** The databases every CA test runs on. */
    public enum Db { H2, POSTGRESQL }

    public static final TrustDomain DOMAIN = TrustDomain.of("example.org");

    public final Store store;
    public final KeyMaterialStore keys;
    public final AuditLog audit;
    public final WorkloadCa ca;
    private final List<String> sink;

    private PkiFixture(Store store, KeyMaterialStore keys, AuditLog audit, WorkloadCa ca, List<String> sink) {
        this.sink = sink;
        this.store = store;
        this.keys = keys;
        this.audit = audit;
        this.ca = ca;
    }

    public static PkiFixture open(Db db, Path dir, Clock clock, PkiSettings settings) throws Exception {
        StoreConfig config = db == Db.H2 ? PostgresTestServer.freshEmbedded(dir) : PostgresTestServer.freshDatabase();
        Store store = Store.open(config);
        KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), clock);
        AuditLog audit = AuditLog.start(AuditSettings.defaults(), store, keys, List.of(), clock);
        List<String> events = new CopyOnWriteArrayList<>();
        WorkloadCa ca = WorkloadCa.start(settings, store, keys, audit,
                (c, topic, subject, attributes) -> events.add(topic + " " + subject), clock);
        return new PkiFixture(store, keys, audit, ca, events);
    }

    /** @return events published so far, as "topic subject" */
    public List<String> published() {
        return List.copyOf(sink);
    }

    public static PkiFixture open(Db db, Path dir, Clock clock) throws Exception {
        return open(db, dir, clock, PkiSettings.defaults(DOMAIN));
    }

    /** Counts audit records with this action and decision. */
    public int auditCount(String action, String decision) {
        return store.inTransaction(c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM audit_records WHERE action = ? AND decision = ?")) {
                ps.setString(1, action);
                ps.setString(2, decision);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public void close() {
        audit.close();
        store.close();
    }
}
