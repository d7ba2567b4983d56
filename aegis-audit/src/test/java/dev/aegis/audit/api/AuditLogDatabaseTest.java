package dev.aegis.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.audit.api.AuditDatabase.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** AuditLog end to end on H2 and PostgreSQL: failure modes, the JSON-lines copy, fingerprints. */
class AuditLogDatabaseTest {

    @TempDir
    Path dir;

    static final AuditSettings CLOSED = AuditSettings.defaults().withRecordTimeout(Duration.ofSeconds(3));

    @ParameterizedTest
    @EnumSource(Backend.class)
    void failClosedThrowingSinkFailsRecordAndAcknowledgesNothing(Backend backend) throws Exception {
        try (AuditDatabase db = new AuditDatabase(backend, dir);
             AuditLog log = db.start(CLOSED, AuditFailureModeTest.THROWING)) {
            assertThrows(AuditUnavailableException.class, () -> log.record(AuditEvent.builder("login").build()));
            assertEquals(0, log.stats().recorded());
            assertEquals(1, log.stats().failedClosed());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void failClosedUnwritableTableFailsRecordThenRecovers(Backend backend) throws Exception {
        try (AuditDatabase db = new AuditDatabase(backend, dir); AuditLog log = db.start(CLOSED)) {
            log.record(AuditEvent.builder("login").build());
            db.sql("ALTER TABLE audit_records RENAME TO audit_records_hidden");
            assertThrows(AuditUnavailableException.class, () -> log.record(AuditEvent.builder("login").build()));
            db.sql("ALTER TABLE audit_records_hidden RENAME TO audit_records");
            log.record(AuditEvent.builder("login").build());
            assertEquals(2, log.stats().recorded());
            assertEquals(1, log.stats().failedClosed());
            assertEquals(2, log.stats().lastSequence()); // the failed batch consumed no sequence number
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void failOpenUnwritableTableIsCountedNotThrown(Backend backend) throws Exception {
        try (AuditDatabase db = new AuditDatabase(backend, dir);
             AuditLog log = db.start(CLOSED.withFailureMode(AuditFailureMode.FAIL_OPEN))) {
            db.sql("ALTER TABLE audit_records RENAME TO audit_records_hidden");
            log.record(AuditEvent.builder("login").build());
            AuditFailureModeTest.waitFor(() -> log.stats().failedOpen() == 1);
            db.sql("ALTER TABLE audit_records_hidden RENAME TO audit_records");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void jsonLinesCopyVerifiesLikeTheDatabase(Backend backend) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditDatabase db = new AuditDatabase(backend, dir); JsonLinesAuditSink sink = JsonLinesAuditSink.toFile(file)) {
            try (AuditLog log = db.start(CLOSED, sink)) {
                for (int i = 0; i < 25; i++) {
                    log.record(AuditEvent.builder("secret.read").actor("svc").resource("kv/" + i).build());
                }
            }
            assertEquals(new VerificationReport.Intact(25, 0), new AuditVerifier().verifyJsonLines(file));
            assertTrue(db.verify() instanceof VerificationReport.Intact i && i.records() == 25);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void secretPassedThroughFingerprintNeverReachesTheDatabaseOrJsonLines(Backend backend) throws Exception {
        String secret = "client-secret-Zq8wP3vN7xK2mL9";
        Path file = dir.resolve("audit.jsonl");
        try (AuditDatabase db = new AuditDatabase(backend, dir); JsonLinesAuditSink sink = JsonLinesAuditSink.toFile(file)) {
            String first;
            try (AuditLog log = db.start(CLOSED, sink)) {
                first = log.fingerprint(secret);
                log.record(AuditEvent.builder("client.authenticate").actor("client-1").decision(AuditDecision.DENY)
                        .reason("invalid_client").detail("presentedSecret", log.fingerprint(secret)).build());
                assertEquals(first, log.fingerprint(secret.getBytes(StandardCharsets.UTF_8)));
                assertNotEquals(first, log.fingerprint(secret + "x"));
            }
            assertTrue(first.startsWith("hmac-sha256:"));
            try (AuditLog restarted = db.start(CLOSED)) {
                assertEquals(first, restarted.fingerprint(secret), "fingerprints must be stable across restarts");
            }
            String everything = dumpAuditTables(db) + Files.readString(file);
            assertTrue(everything.contains(first));
            assertFalse(everything.contains(secret));
            assertFalse(everything.contains("Zq8wP3vN7xK2mL9"));
        }
    }

    private static String dumpAuditTables(AuditDatabase db) {
        return db.query(c -> {
            StringBuilder out = new StringBuilder();
            for (String table : List.of("audit_records", "audit_checkpoints", "audit_chain_head")) {
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
                     ResultSet rs = ps.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            out.append(rs.getString(i)).append('|');
                        }
                    }
                }
            }
            return out.toString();
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closedLogSignsAFinalCheckpoint(Backend backend) throws Exception {
        try (AuditDatabase db = new AuditDatabase(backend, dir)) {
            AuditLog log = db.start(CLOSED);
            for (int i = 0; i < 3; i++) {
                log.record(AuditEvent.builder("login").build());
            }
            log.close();
            assertEquals(1, log.stats().checkpoints());
            assertEquals(new VerificationReport.Intact(3, 1), db.verify());
        }
    }
}
