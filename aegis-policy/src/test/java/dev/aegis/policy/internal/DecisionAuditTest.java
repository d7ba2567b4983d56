package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionAuditTest {
    @TempDir
    Path dir;

    @Test
    void everyDenialAndExactlyTheSampledShareOfAllowsAreAudited() throws Exception {
        try (Store store = Store.open(PostgresTestServer.freshEmbedded(dir))) {
            KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), Clock.systemUTC());
            try (AuditLog log = AuditLog.start(AuditSettings.defaults(), store, keys, List.of(), Clock.systemUTC())) {
                DecisionAudit audit = new DecisionAudit(log, 0.25);
                int allows = 0;
                for (int i = 0; i < 100; i++) {
                    assertTrue(audit.wants(false), "denials are always audited");
                    allows += audit.wants(true) ? 1 : 0;
                }
                assertEquals(25, allows);
                assertFalse(new DecisionAudit(log, 0).wants(true), "sample rate 0 audits no allow");
                assertTrue(new DecisionAudit(log, 0).wants(false), "... but still every denial");
            }
        }
    }

    @Test
    void aLongExplanationIsCutToFitAnAuditDetail() throws Exception {
        try (Store store = Store.open(PostgresTestServer.freshEmbedded(dir))) {
            KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), Clock.systemUTC());
            try (AuditLog log = AuditLog.start(AuditSettings.defaults(), store, keys, List.of(), Clock.systemUTC())) {
                Trace trace = Trace.root("doc:1#viewer@user:u");
                for (int i = 0; i < 200; i++) {
                    Trace.child(trace, "folder:f" + i + "#viewer");
                }
                Tuple key = TupleKeys.parse("doc:1", "viewer", "user:u", null, null);
                // a sampled allow (waits for its record) and a denial (queued) with the same long trace
                new DecisionAudit(log, 1.0).record("tester", "127.0.0.1", "s", "m", key, true, 1, trace);
                assertEquals(1, log.stats().recorded(), "the allow was released after its record was durable");
                new DecisionAudit(log, 1.0).record("tester", "127.0.0.1", "s", "m", key, false, 1, trace);
                for (int i = 0; i < 100 && log.stats().recorded() < 2; i++) {
                    Thread.sleep(50);
                }
                assertEquals(2, log.stats().recorded(), "the queued denial is written too, although its detail was long");
                assertEquals(0, log.stats().failedClosed());
            }
        }
    }

    @Test
    void withoutAnAuditLogNothingIsRecorded() {
        DecisionAudit audit = new DecisionAudit(null, 1.0);
        assertFalse(audit.wants(false));
        assertFalse(audit.wants(true));
    }
}
