package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditRecord;
import dev.aegis.audit.api.Tampering;
import dev.aegis.audit.api.VerificationReport;
import dev.aegis.audit.api.VerificationReport.Broken;
import dev.aegis.audit.api.VerificationReport.Intact;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/**
 * Walks a stored chain once, in storage order, and names the first bad position.
 *
 * <p>At each row it expects sequence {@code n} linked to {@code hash_{n-1}}. A row passes when its sequence is
 * {@code n}, its {@code previousHash} is {@code hash_{n-1}} and its hash obeys the chain rule. At the first row
 * that does not pass, the kind is decided from what the row and the rest of the storage show:
 * <ul>
 *   <li>a sequence gap, and the genuine successor of record {@code n-1} is nowhere later: {@link Tampering#DELETED}
 *       at {@code n}; the genuine successor sits later: {@link Tampering#REORDERED};</li>
 *   <li>a sequence number already seen: {@link Tampering#INSERTED} (a duplicated record);</li>
 *   <li>link correct but contents don't hash: {@link Tampering#INSERTED} when the genuine successor still sits
 *       later (a forged row pushed it down), else {@link Tampering#MODIFIED};</li>
 *   <li>link broken: the previous row links to the same predecessor ⇒ the previous row was
 *       {@link Tampering#INSERTED}; this row's own predecessor sits later ⇒ {@link Tampering#REORDERED}; the
 *       genuine successor sits later ⇒ this row was {@link Tampering#INSERTED}; this row is self-consistent ⇒
 *       the previous record was rewritten with a recomputed hash ({@link Tampering#MODIFIED} at {@code n-1});
 *       otherwise {@link Tampering#MODIFIED} at {@code n}.</li>
 * </ul>
 * Signed checkpoints are checked when the walk reaches their sequence: an invalid signature is
 * {@link Tampering#CHECKPOINT_INVALID}; a valid one whose hash differs from the walked chain means the chain was
 * rewritten consistently up to there ({@link Tampering#MODIFIED}). After the walk, a valid checkpoint or the
 * chain head beyond the last record is {@link Tampering#TRUNCATED}; records beyond the head are
 * {@link Tampering#INSERTED}.
 *
 * <p>Limits, inherent to an unkeyed hash chain: records appended after the last checkpoint by someone who also
 * moves the chain head, or a tail cut together with the checkpoints and head after it, are only visible against
 * a copy kept elsewhere (the JSON-lines sink shipped to ELK / Loki).
 *
 * <p>Stateless and thread-safe.
 */
public final class ChainVerifier {

    private ChainVerifier() {
    }

    /**
     * @param source      the stored rows
     * @param checkpoints checked checkpoints, ascending by sequence
     * @param head        the stored chain head, or {@code null} when the storage has none (JSON lines)
     * @return {@link Intact} or the first {@link Broken} position
     */
    public static VerificationReport verify(ChainSource source, List<CheckedCheckpoint> checkpoints,
                                            ChainHead head) {
        return walk(source, checkpoints, head).report();
    }

    /**
     * The outcome of a walk, with what the checkpoint coverage rule needs.
     *
     * @param report            intact or the first bad position
     * @param lastCheckpointSeq the sequence of the last verified checkpoint, 0 when there is none
     * @param firstUncoveredAt  when the first record after it was recorded, {@code null} when every record is covered
     */
    public record Walk(VerificationReport report, long lastCheckpointSeq, Instant firstUncoveredAt) {
    }

    /** Like {@link #verify}, also reporting how far signed checkpoints cover the chain. */
    public static Walk walk(ChainSource source, List<CheckedCheckpoint> checkpoints, ChainHead head) {
        long lastCheckpointSeq = 0;
        Instant firstUncoveredAt = null;
        long expectedSeq = 1;
        String expectedPrev = AuditChain.GENESIS_HASH;
        String lastRowPrev = null;
        int cp = 0;
        long verifiedCheckpoints = 0;
        for (Iterator<StoredRow> it = source.rows(); it.hasNext(); ) {
            StoredRow row = it.next();
            Broken broken = checkRow(source, row, expectedSeq, expectedPrev, lastRowPrev);
            if (broken != null) {
                return new Walk(broken, lastCheckpointSeq, firstUncoveredAt);
            }
            AuditRecord r = row.record();
            while (cp < checkpoints.size() && checkpoints.get(cp).sequence() <= r.sequence()) {
                CheckedCheckpoint c = checkpoints.get(cp++);
                if (!c.valid()) {
                    return new Walk(new Broken(c.sequence(), Tampering.CHECKPOINT_INVALID, c.problem()),
                            lastCheckpointSeq, firstUncoveredAt);
                }
                if (c.sequence() < r.sequence()) {
                    return new Walk(new Broken(c.sequence(), Tampering.CHECKPOINT_INVALID,
                            "checkpoint names sequence " + c.sequence() + " which the chain never reached"),
                            lastCheckpointSeq, firstUncoveredAt);
                }
                if (!c.signedHash().equals(r.hash())) {
                    return new Walk(new Broken(r.sequence(), Tampering.MODIFIED, "record " + r.sequence()
                            + " differs from its signed checkpoint: the chain was rewritten at or before it"),
                            lastCheckpointSeq, firstUncoveredAt);
                }
                verifiedCheckpoints++;
                lastCheckpointSeq = c.sequence();
                firstUncoveredAt = null;
            }
            if (r.sequence() > lastCheckpointSeq && firstUncoveredAt == null) {
                firstUncoveredAt = r.event().time();
            }
            expectedSeq = r.sequence() + 1;
            lastRowPrev = r.previousHash();
            expectedPrev = r.hash();
        }
        return new Walk(checkTail(expectedSeq - 1, expectedPrev, checkpoints.subList(cp, checkpoints.size()), head,
                verifiedCheckpoints), lastCheckpointSeq, firstUncoveredAt);
    }

    private static Broken checkRow(ChainSource source, StoredRow row, long n, String expectedPrev,
                                   String lastRowPrev) {
        if (row.sequence() > n) {
            if (source.laterRowWithPreviousHash(expectedPrev, row.position())) {
                return new Broken(n, Tampering.REORDERED,
                        "record " + row.sequence() + " is stored where record " + n + " belongs");
            }
            return new Broken(n, Tampering.DELETED, row.sequence() == n + 1
                    ? "record " + n + " is missing"
                    : "records " + n + " to " + (row.sequence() - 1) + " are missing");
        }
        if (row.record() == null) {
            return new Broken(n, Tampering.MODIFIED, "record " + n + " is malformed: " + row.problem());
        }
        if (row.sequence() < n) {
            return new Broken(n, Tampering.INSERTED,
                    "a second record numbered " + row.sequence() + " is stored where record " + n + " belongs");
        }
        AuditRecord r = row.record();
        boolean linked = r.previousHash().equals(expectedPrev);
        boolean selfConsistent = AuditChain.selfConsistent(r);
        if (linked && selfConsistent) {
            return null;
        }
        if (linked) {
            return source.laterRowWithPreviousHash(expectedPrev, row.position())
                    ? new Broken(n, Tampering.INSERTED, "record " + n + " is not part of the chain: the genuine"
                            + " record " + n + " is stored later")
                    : new Broken(n, Tampering.MODIFIED, "record " + n + " does not match its hash");
        }
        return classifyBrokenLink(source, row, n, expectedPrev, lastRowPrev, selfConsistent);
    }

    private static Broken classifyBrokenLink(ChainSource source, StoredRow row, long n, String expectedPrev,
                                             String lastRowPrev, boolean selfConsistent) {
        String prev = row.record().previousHash();
        if (prev.equals(lastRowPrev)) {
            return new Broken(n - 1, Tampering.INSERTED, "records " + (n - 1) + " and " + n
                    + " both claim to follow record " + (n - 2) + ": record " + (n - 1) + " was inserted");
        }
        if (source.laterRowWithHash(prev, row.position())) {
            return new Broken(n, Tampering.REORDERED,
                    "record " + n + " is stored before the record it follows");
        }
        if (source.laterRowWithPreviousHash(expectedPrev, row.position())) {
            return new Broken(n, Tampering.INSERTED, "record " + n + " is not part of the chain: the genuine"
                    + " successor of record " + (n - 1) + " is stored later");
        }
        if (selfConsistent && n > 1) {
            return new Broken(n - 1, Tampering.MODIFIED, "record " + (n - 1)
                    + " was rewritten with a recomputed hash: record " + n + " no longer links to it");
        }
        return new Broken(n, Tampering.MODIFIED, "record " + n + " does not link to record " + (n - 1)
                + " (it was altered, or records before it were deleted and the rest renumbered)");
    }

    private static VerificationReport checkTail(long lastSeq, String lastHash, List<CheckedCheckpoint> beyond,
                                                ChainHead head, long verifiedCheckpoints) {
        if (!beyond.isEmpty()) {
            CheckedCheckpoint c = beyond.get(0);
            if (!c.valid()) {
                return new Broken(c.sequence(), Tampering.CHECKPOINT_INVALID, c.problem());
            }
            return new Broken(lastSeq + 1, Tampering.TRUNCATED, "a signed checkpoint covers record "
                    + c.sequence() + " but the chain ends at record " + lastSeq);
        }
        if (head != null) {
            if (head.sequence() > lastSeq) {
                return new Broken(lastSeq + 1, Tampering.TRUNCATED, "the chain head is at record "
                        + head.sequence() + " but the chain ends at record " + lastSeq);
            }
            if (head.sequence() < lastSeq) {
                return new Broken(head.sequence() + 1, Tampering.INSERTED, "records after the chain head ("
                        + head.sequence() + ") were appended outside the audit writer");
            }
            if (!head.hash().equals(lastHash)) {
                return new Broken(lastSeq, Tampering.MODIFIED, "the chain head hash differs from record " + lastSeq);
            }
        }
        return new Intact(lastSeq, verifiedCheckpoints);
    }
}
