package dev.aegis.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aegis.audit.api.AuditDatabase.Backend;
import dev.aegis.audit.internal.AuditChain;
import dev.aegis.audit.internal.AuditJsonLine;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An attacker with write access to the database edits the audit tables by hand (JDBC); the verifier must name
 * the first damaged record and the kind of damage. Every attack runs on H2 and on PostgreSQL.
 */
class AuditChainTamperDetectedTest {

    static final int RECORDS = 200;
    static final int CHECKPOINT_EVERY = 50;

    @TempDir
    Path dir;

    /** 200 events recorded one by one: checkpoints at 50, 100, 150, 200. */
    private AuditDatabase recordChain(Backend backend) throws Exception {
        AuditDatabase db = new AuditDatabase(backend, dir);
        AuditSettings settings = AuditSettings.defaults().withCheckpoints(CHECKPOINT_EVERY, Duration.ofHours(1));
        AuditLog log = db.start(settings);
        try (log) {
            for (int i = 1; i <= RECORDS; i++) {
                log.record(AuditEvent.builder("token.issue").actor("client-" + i).subject("user-" + (i % 9))
                        .decision(i % 4 == 0 ? AuditDecision.DENY : AuditDecision.ALLOW).requestId("req-" + i)
                        .sourceAddress("192.0.2." + (i % 200)).service("aegis-identity").detail("grant", "code")
                        .build());
            }
        }
        // After close: the checkpoint over the last batch is signed after its callers were released.
        assertEquals(RECORDS / CHECKPOINT_EVERY, log.stats().checkpoints());
        return db;
    }

    private static void assertBroken(VerificationReport report, Tampering kind, long seq) {
        if (!(report instanceof VerificationReport.Broken b)) {
            throw new AssertionError("expected " + kind + " at " + seq + ", got " + report);
        }
        assertEquals(kind, b.kind(), b.detail());
        assertEquals(seq, b.sequence(), b.detail());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void untouchedChainIsIntact(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            assertEquals(new VerificationReport.Intact(RECORDS, RECORDS / CHECKPOINT_EVERY), db.verify());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void editedColumnIsModified(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            assertEquals(1, db.sql("UPDATE audit_records SET decision = 'ALLOW' WHERE seq = 76"));
            assertBroken(db.verify(), Tampering.MODIFIED, 76);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void editedDetailsOrTimeIsModified(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            db.sql("UPDATE audit_records SET recorded_at = ? WHERE seq = 120",
                    OffsetDateTime.parse("2020-01-01T00:00:00Z"));
            db.sql("UPDATE audit_records SET details = '{\"grant\":\"password\"}' WHERE seq = 90");
            assertBroken(db.verify(), Tampering.MODIFIED, 90);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void deletedRowIsDeleted(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            assertEquals(1, db.sql("DELETE FROM audit_records WHERE seq = 77"));
            assertBroken(db.verify(), Tampering.DELETED, 77);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void forgedRowInsertedMidChainIsInserted(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            AuditRecord before = readRecord(db, 76);
            // Make room at 77 (two steps: the primary key is checked per row), then insert a well-formed forgery
            // whose link and hash are computed exactly as the writer would.
            db.sql("UPDATE audit_records SET seq = seq + 1000000 WHERE seq >= 77");
            db.sql("UPDATE audit_records SET seq = seq - 999999 WHERE seq >= 1000000");
            AuditEvent forged = AuditEvent.builder("token.issue").actor("mallory").decision(AuditDecision.ALLOW)
                    .build();
            insertRow(db, AuditChain.append(before.hash(), 77, forged));
            assertBroken(db.verify(), Tampering.INSERTED, 77);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void forgedRowAppendedAfterTheHeadIsInserted(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            AuditRecord last = readRecord(db, RECORDS);
            insertRow(db, AuditChain.append(last.hash(), RECORDS + 1, AuditEvent.builder("admin.grant").build()));
            assertBroken(db.verify(), Tampering.INSERTED, RECORDS + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void swappedRowsAreReordered(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            db.sql("UPDATE audit_records SET seq = 1000000 WHERE seq = 60");
            db.sql("UPDATE audit_records SET seq = 60 WHERE seq = 90");
            db.sql("UPDATE audit_records SET seq = 90 WHERE seq = 1000000");
            assertBroken(db.verify(), Tampering.REORDERED, 60);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void forgedCheckpointSignatureIsCheckpointInvalid(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            String jws = db.query(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT signature FROM audit_checkpoints WHERE seq = 100");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            int sig = jws.lastIndexOf('.') + 1;
            char flipped = jws.charAt(sig + 5) == 'A' ? 'B' : 'A';
            String forged = jws.substring(0, sig + 5) + flipped + jws.substring(sig + 6);
            db.sql("UPDATE audit_checkpoints SET signature = ? WHERE seq = 100", forged);
            assertBroken(db.verify(), Tampering.CHECKPOINT_INVALID, 100);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void checkpointSignedWithTheAttackersOwnKeyIsCheckpointInvalid(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            SigningKey own = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("attacker"), Instant.now())
                    .activate(Instant.now());
            AuditRecord at150 = readRecord(db, 150);
            Instant now = Instant.now();
            String jws = new JwtSigner(() -> KeyRing.of(List.of(own))).sign(JwtClaims.builder().issuer("aegis-audit")
                    .issuedAt(now).expiresAt(now.plusSeconds(60)).claim("seq", 150L).claim("hash", at150.hash())
                    .claim("time", now.toString()).build(), "aegis-audit-checkpoint+jwt");
            db.sql("UPDATE audit_checkpoints SET signature = ?, kid = 'attacker' WHERE seq = 150", jws);
            assertBroken(db.verify(), Tampering.CHECKPOINT_INVALID, 150);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void tailCutBehindASignedCheckpointIsTruncated(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            db.sql("DELETE FROM audit_records WHERE seq > 160");
            db.sql("UPDATE audit_chain_head SET seq = 160, hash = (SELECT hash FROM audit_records WHERE seq = 160)");
            assertBroken(db.verify(), Tampering.TRUNCATED, 161);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void tailCutBehindTheChainHeadIsTruncated(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            db.sql("DELETE FROM audit_checkpoints WHERE seq > 150");
            db.sql("DELETE FROM audit_records WHERE seq > 180");
            assertBroken(db.verify(), Tampering.TRUNCATED, 181);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void chainRewrittenWithRecomputedHashesDisagreesWithItsCheckpoint(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            String prev = readRecord(db, 119).hash();
            for (long seq = 120; seq <= RECORDS; seq++) {
                AuditRecord r = readRecord(db, seq);
                AuditEvent e = seq == 120 ? AuditEvent.builder("token.issue").eventId(r.event().eventId())
                        .time(r.event().time()).actor("nobody").build() : r.event();
                AuditRecord rewritten = AuditChain.append(prev, seq, e);
                db.sql("DELETE FROM audit_records WHERE seq = ?", seq);
                insertRow(db, rewritten);
                prev = rewritten.hash();
            }
            db.sql("UPDATE audit_chain_head SET hash = ?", prev);
            assertBroken(db.verify(), Tampering.MODIFIED, 150);
        }
    }

    /**
     * The attack the chain alone cannot see: every checkpoint deleted, then the chain rewritten from record 120
     * with recomputed hashes and a moved head. The coverage rule names the first record no signature covers.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void chainRewrittenAfterDeletingEveryCheckpointIsUncheckpointed(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            db.sql("DELETE FROM audit_checkpoints");
            String prev = readRecord(db, 119).hash();
            for (long seq = 120; seq <= RECORDS; seq++) {
                AuditRecord r = readRecord(db, seq);
                AuditEvent e = seq == 120 ? AuditEvent.builder("token.issue").eventId(r.event().eventId())
                        .time(r.event().time()).actor("nobody").build() : r.event();
                AuditRecord rewritten = AuditChain.append(prev, seq, e);
                db.sql("DELETE FROM audit_records WHERE seq = ?", seq);
                insertRow(db, rewritten);
                prev = rewritten.hash();
            }
            db.sql("UPDATE audit_chain_head SET hash = ?", prev);
            assertEquals(new VerificationReport.Intact(RECORDS, 0), db.verify(), "the chain alone still links");

            Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
            CheckpointCoverage byAge = new CheckpointCoverage(Duration.ofMinutes(5), 1_000_000, later);
            assertBroken(db.verify(byAge), Tampering.UNCHECKPOINTED, 1);
            CheckpointCoverage byCount = new CheckpointCoverage(Duration.ofDays(1), 2 * CHECKPOINT_EVERY, Clock.systemUTC());
            assertBroken(db.verify(byCount), Tampering.UNCHECKPOINTED, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFreshlyWrittenCoveredChainMeetsTheCoverageRule(Backend backend) throws Exception {
        try (AuditDatabase db = recordChain(backend)) {
            AuditSettings settings = AuditSettings.defaults().withCheckpoints(CHECKPOINT_EVERY, Duration.ofHours(1));
            assertEquals(new VerificationReport.Intact(RECORDS, RECORDS / CHECKPOINT_EVERY),
                    db.verify(CheckpointCoverage.expectedFor(settings, Clock.systemUTC())));
            // Deleting only the last checkpoint leaves 50 records uncovered: within 2 x 50 + one batch.
            db.sql("DELETE FROM audit_checkpoints WHERE seq = 200");
            assertEquals(new VerificationReport.Intact(RECORDS, RECORDS / CHECKPOINT_EVERY - 1),
                    db.verify(CheckpointCoverage.expectedFor(settings, Clock.systemUTC())));
        }
    }

    static AuditRecord readRecord(AuditDatabase db, long seq) {
        return db.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, event_id, recorded_at, actor, subject, action, resource, decision, reason,"
                            + " request_id, source_address, service, details, prev_hash, hash"
                            + " FROM audit_records WHERE seq = ?")) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    AuditEvent e = new AuditEvent(rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            AuditDecision.valueOf(rs.getString(8)), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getString(12), AuditJsonLine.parseDetails(rs.getString(13)));
                    return new AuditRecord(seq, e, rs.getString(14), rs.getString(15));
                }
            }
        });
    }

    static void insertRow(AuditDatabase db, AuditRecord r) {
        AuditEvent e = r.event();
        db.sql("INSERT INTO audit_records (seq, event_id, recorded_at, actor, subject, action, resource, decision,"
                        + " reason, request_id, source_address, service, details, prev_hash, hash)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.sequence(), e.eventId(), OffsetDateTime.ofInstant(e.time(), java.time.ZoneOffset.UTC), e.actor(),
                e.subject(), e.action(), e.resource(), e.decision().name(), e.reason(), e.requestId(),
                e.sourceAddress(), e.service(), AuditJsonLine.detailsJson(e.details()), r.previousHash(), r.hash());
    }
}
