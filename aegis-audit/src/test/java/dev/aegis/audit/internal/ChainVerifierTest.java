package dev.aegis.audit.internal;

import static dev.aegis.audit.internal.TestChains.chain;
import static dev.aegis.audit.internal.TestChains.renumbered;
import static dev.aegis.audit.internal.TestChains.rows;
import static dev.aegis.audit.internal.TestChains.withActor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aegis.audit.api.AuditRecord;
import dev.aegis.audit.api.Tampering;
import dev.aegis.audit.api.VerificationReport;
import dev.aegis.audit.api.VerificationReport.Broken;
import dev.aegis.audit.api.VerificationReport.Intact;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tamper classification over in-memory rows; the database and JSON-lines tests repeat the attacks on real storage. */
class ChainVerifierTest {

    private static VerificationReport verify(List<AuditRecord> records) {
        return ChainVerifier.verify(rows(records), List.of(), null);
    }

    private static void assertBroken(VerificationReport report, Tampering kind, long seq) {
        if (!(report instanceof Broken broken)) {
            throw new AssertionError("expected " + kind + " at " + seq + " but was " + report);
        }
        assertEquals(kind, broken.kind(), broken.detail());
        assertEquals(seq, broken.sequence(), broken.detail());
    }

    @Test
    void genuineChainIsIntact() {
        assertEquals(new Intact(50, 0), verify(chain(50)));
        assertEquals(new Intact(0, 0), verify(List.of()));
    }

    @Test
    void editedColumnIsModifiedAtThatRecord() {
        List<AuditRecord> c = new ArrayList<>(chain(50));
        c.set(16, withActor(c.get(16), "mallory"));
        assertBroken(verify(c), Tampering.MODIFIED, 17);
    }

    @Test
    void editedRecordWithRecomputedHashIsModifiedAtThatRecord() {
        List<AuditRecord> c = new ArrayList<>(chain(50));
        AuditRecord forged = withActor(c.get(19), "mallory");
        c.set(19, AuditChain.append(forged.previousHash(), 20, forged.event()));
        assertBroken(verify(c), Tampering.MODIFIED, 20);
    }

    @Test
    void deletedRecordIsNamed() {
        List<AuditRecord> c = new ArrayList<>(chain(50));
        c.remove(16);
        assertBroken(verify(c), Tampering.DELETED, 17);
        c.remove(16);
        assertBroken(verify(c), Tampering.DELETED, 17);
        c.remove(0);
        assertBroken(verify(c), Tampering.DELETED, 1);
    }

    @Test
    void forgedRecordInsertedByShiftingTheRestIsInsertedAtItsPosition() {
        List<AuditRecord> genuine = chain(50);
        // A well-formed forgery: correct link, correctly computed hash; the genuine rows move down by one.
        AuditRecord forged = AuditChain.append(genuine.get(8).hash(), 10, TestChains.event(999));
        assertBroken(verify(shiftedWith(genuine, forged)), Tampering.INSERTED, 10);
        // A sloppy forgery: correct link, bogus hash.
        AuditRecord bogus = new AuditRecord(10, TestChains.event(999), genuine.get(8).hash(), "ab".repeat(32));
        assertBroken(verify(shiftedWith(genuine, bogus)), Tampering.INSERTED, 10);
        // A forgery with a random link.
        AuditRecord unlinked = new AuditRecord(10, TestChains.event(999), "cd".repeat(32), "ab".repeat(32));
        assertBroken(verify(shiftedWith(genuine, unlinked)), Tampering.INSERTED, 10);
    }

    private static List<AuditRecord> shiftedWith(List<AuditRecord> genuine, AuditRecord forgedAt10) {
        List<AuditRecord> out = new ArrayList<>(genuine.subList(0, 9));
        out.add(forgedAt10);
        for (AuditRecord r : genuine.subList(9, genuine.size())) {
            out.add(renumbered(r, r.sequence() + 1));
        }
        return out;
    }

    @Test
    void swappedRecordsAreReordered() {
        List<AuditRecord> c = new ArrayList<>(chain(50));
        swap(c, 10, 30);
        assertBroken(verify(c), Tampering.REORDERED, 10);
        List<AuditRecord> adjacent = new ArrayList<>(chain(50));
        swap(adjacent, 10, 11);
        assertBroken(verify(adjacent), Tampering.REORDERED, 10);
    }

    private static void swap(List<AuditRecord> c, int seqA, int seqB) {
        AuditRecord a = c.get(seqA - 1);
        AuditRecord b = c.get(seqB - 1);
        c.set(seqA - 1, renumbered(b, seqA));
        c.set(seqB - 1, renumbered(a, seqB));
    }

    @Test
    void invalidCheckpointSignatureIsReported() {
        List<AuditRecord> c = chain(50);
        List<CheckedCheckpoint> cps = List.of(new CheckedCheckpoint(20, c.get(19).hash(), null),
                new CheckedCheckpoint(40, null, "bad signature"));
        assertBroken(ChainVerifier.verify(rows(c), cps, null), Tampering.CHECKPOINT_INVALID, 40);
        assertEquals(new Intact(50, 1), ChainVerifier.verify(rows(c), cps.subList(0, 1), null));
    }

    @Test
    void consistentlyRewrittenChainDisagreesWithItsSignedCheckpoint() {
        List<AuditRecord> genuine = chain(50);
        List<AuditRecord> rewritten = new ArrayList<>(genuine.subList(0, 29));
        String prev = genuine.get(28).hash();
        for (int i = 30; i <= 50; i++) {
            AuditRecord r = AuditChain.append(prev, i, i == 30 ? withActor(genuine.get(29), "mallory").event()
                    : genuine.get(i - 1).event());
            rewritten.add(r);
            prev = r.hash();
        }
        List<CheckedCheckpoint> cps = List.of(new CheckedCheckpoint(40, genuine.get(39).hash(), null));
        assertBroken(ChainVerifier.verify(rows(rewritten), cps, null), Tampering.MODIFIED, 40);
    }

    @Test
    void tailCutBehindACheckpointIsTruncated() {
        List<AuditRecord> c = chain(50);
        List<CheckedCheckpoint> cps = List.of(new CheckedCheckpoint(40, c.get(39).hash(), null));
        assertBroken(ChainVerifier.verify(rows(c.subList(0, 35)), cps, null), Tampering.TRUNCATED, 36);
    }

    @Test
    void chainHeadBeyondTheLastRecordIsTruncatedAndRecordsBeyondTheHeadAreInserted() {
        List<AuditRecord> c = chain(50);
        assertEquals(new Intact(50, 0), ChainVerifier.verify(rows(c), List.of(), new ChainHead(50, c.get(49).hash())));
        assertBroken(ChainVerifier.verify(rows(c.subList(0, 45)), List.of(), new ChainHead(50, c.get(49).hash())),
                Tampering.TRUNCATED, 46);
        assertBroken(ChainVerifier.verify(rows(c), List.of(), new ChainHead(48, c.get(47).hash())),
                Tampering.INSERTED, 49);
        assertEquals(new Intact(0, 0), ChainVerifier.verify(rows(List.of()), List.of(), ChainHead.empty()));
    }
}
