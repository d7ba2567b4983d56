package dev.aegis.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.audit.api.AuditDatabase.Backend;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads record at once, through two AuditLog instances sharing one database (two cluster nodes): the
 * chain head row lock must serialise their batches into ONE gap-free chain, with every acknowledged event in it
 * exactly once.
 */
class AuditConcurrentRecordersTest {

    static final int THREADS = 32;
    static final int EVENTS_PER_THREAD = 40;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentRecordersOnTwoNodesProduceOneGapFreeChain(Backend backend) throws Exception {
        try (AuditDatabase db = new AuditDatabase(backend, dir)) {
            AuditSettings settings = AuditSettings.defaults().withRecordTimeout(Duration.ofSeconds(30))
                    .withCheckpoints(100, Duration.ofSeconds(1));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            List<Throwable> failures = new ArrayList<>();
            try (AuditLog nodeA = db.start(settings); AuditLog nodeB = db.start(settings)) {
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    AuditLog log = t % 2 == 0 ? nodeA : nodeB;
                    int thread = t;
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                            for (int i = 0; i < EVENTS_PER_THREAD; i++) {
                                AuditEvent e = AuditEvent.builder("authz.check").actor("t" + thread)
                                        .resource("doc:" + i).decision(AuditDecision.ALLOW).build();
                                log.record(e);
                                acknowledged.add(e.eventId());
                            }
                        } catch (Exception e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    }));
                }
                go.countDown();
                for (Thread thread : threads) {
                    thread.join();
                }
                assertEquals(List.of(), failures);
                assertTrue(nodeA.stats().recorded() > 0 && nodeB.stats().recorded() > 0);
            }
            int total = THREADS * EVENTS_PER_THREAD;
            assertEquals(total, acknowledged.size());
            List<long[]> seqs = db.query(c -> {
                List<long[]> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM audit_records ORDER BY seq");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new long[] {rs.getLong(1)});
                    }
                }
                return out;
            });
            assertEquals(total, seqs.size());
            for (int i = 0; i < total; i++) {
                assertEquals(i + 1, seqs.get(i)[0], "gap or duplicate in the sequence");
            }
            Set<String> stored = db.query(c -> {
                Set<String> ids = ConcurrentHashMap.newKeySet();
                try (PreparedStatement ps = c.prepareStatement("SELECT event_id FROM audit_records");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            });
            assertEquals(acknowledged, stored);
            VerificationReport report = db.verify();
            assertTrue(report instanceof VerificationReport.Intact i && i.records() == total, report.toString());
        }
    }
}
