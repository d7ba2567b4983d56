package dev.aegis.audit.api;

import dev.aegis.audit.internal.ChainHead;
import dev.aegis.audit.internal.ChainVerifier;
import dev.aegis.audit.internal.CheckedCheckpoint;
import dev.aegis.audit.internal.CheckpointVerification;
import dev.aegis.audit.internal.JdbcChainSource;
import dev.aegis.audit.internal.JsonLinesChainSource;
import dev.aegis.audit.internal.StoredCheckpoint;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.core.api.keys.VerificationKey;
import dev.aegis.core.api.keys.VerificationKeySource;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies an audit trail and names the first modified, deleted, inserted or reordered record, an invalid
 * checkpoint signature, or a tail truncated behind a signed checkpoint or the chain head.
 *
 * <p>The chain rule is {@code hash_n = SHA-256(hash_{n-1} || canonical(record_n))}, {@code hash_0} = 32 zero
 * bytes. The database walk reads {@code audit_records} in pages inside one read-only snapshot transaction
 * (REPEATABLE READ on PostgreSQL, SERIALIZABLE on H2), so it can run against a live server
 * ({@code aegis audit verify}) and sees one consistent chain; memory stays constant. Checkpoints are JWS
 * (RFC 7515) checked with aegis-core's {@code JwtVerifier}.
 *
 * <p>What a keyless hash chain cannot show on its own: a chain rewritten with recomputed hashes after every
 * checkpoint was deleted (the {@link CheckpointCoverage} rule of the three-argument {@code verify} catches it
 * once the rewritten records are older than the rule allows), records appended after the last checkpoint by
 * someone who also moved the chain head, or a tail cut together with the checkpoints and head after it (within
 * the coverage window). Compare with the JSON-lines copy shipped off the host for those.
 *
 * <p>Immutable and thread-safe.
 */
public final class AuditVerifier {

    /** Creates a verifier. */
    public AuditVerifier() {
    }

    /**
     * Walks the database chain, its checkpoints and its head.
     *
     * @param store          the store holding {@code audit_records}
     * @param checkpointKeys where checkpoint signing keys are found by {@code kid}; use
     *                       {@link #checkpointKeys(KeyRing)} so checkpoints signed by retired or destroyed keys
     *                       still verify
     * @return {@link VerificationReport.Intact} or the first {@link VerificationReport.Broken} position
     * @throws StoreException when the database cannot be read
     */
    public VerificationReport verify(Store store, VerificationKeySource checkpointKeys) {
        return walk(store, checkpointKeys).report();
    }

    /**
     * Like {@link #verify(Store, VerificationKeySource)}, and also applies the checkpoint coverage rule: an
     * otherwise intact chain whose tail after the last signed checkpoint is too long or too old is
     * {@link Tampering#UNCHECKPOINTED}. This closes the gap of a chain rewritten with recomputed hashes after
     * every checkpoint was deleted. {@code aegis audit verify} uses it.
     */
    public VerificationReport verify(Store store, VerificationKeySource checkpointKeys, CheckpointCoverage coverage) {
        Objects.requireNonNull(coverage, "coverage");
        ChainVerifier.Walk walk = walk(store, checkpointKeys);
        if (!(walk.report() instanceof VerificationReport.Intact intact)) {
            return walk.report();
        }
        String violation = coverage.violation(intact.records() - walk.lastCheckpointSeq(), walk.firstUncoveredAt());
        return violation == null ? intact : new VerificationReport.Broken(walk.lastCheckpointSeq() + 1,
                Tampering.UNCHECKPOINTED, violation + ": checkpoints were deleted and the chain rewritten, or the"
                + " node stopped abruptly before signing (starting it once signs them)");
    }

    private ChainVerifier.Walk walk(Store store, VerificationKeySource checkpointKeys) {
        Objects.requireNonNull(checkpointKeys, "checkpointKeys");
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            c.setTransactionIsolation(snapshotIsolation(c));
            try {
                JdbcChainSource source = new JdbcChainSource(c);
                List<CheckedCheckpoint> checkpoints = new ArrayList<>();
                for (StoredCheckpoint row : source.checkpoints()) {
                    checkpoints.add(CheckpointVerification.check(row, checkpointKeys));
                }
                ChainHead head = source.head();
                if (head == null) {
                    return new ChainVerifier.Walk(new VerificationReport.Broken(0, Tampering.MODIFIED,
                            "the chain head row is missing"), 0, null);
                }
                return ChainVerifier.walk(source, checkpoints, head);
            } finally {
                c.rollback();
            }
        } catch (SQLException | IllegalStateException e) {
            throw new StoreException("cannot read the audit trail", e);
        }
    }

    /*
     * One consistent snapshot for head, checkpoints and records, or a batch committed mid-walk would look like
     * an insertion: PostgreSQL's REPEATABLE READ is a snapshot taken at the first statement; H2's is not
     * (it may see phantoms), its SERIALIZABLE is.
     */
    private static int snapshotIsolation(Connection c) throws SQLException {
        return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName())
                ? Connection.TRANSACTION_REPEATABLE_READ
                : Connection.TRANSACTION_SERIALIZABLE;
    }

    /**
     * Walks a JSON-lines file written by {@link JsonLinesAuditSink}. The file must hold the chain from record 1
     * on (a file that starts later, e.g. after rotation, reports the missing records as
     * {@link Tampering#DELETED}), and, in a cluster, the records of every node (a per-node file has gaps).
     * Lines carry no checkpoints; empty lines are ignored.
     *
     * @param file the JSON-lines file
     * @return {@link VerificationReport.Intact} or the first {@link VerificationReport.Broken} position
     * @throws UncheckedIOException when the file cannot be read
     */
    public VerificationReport verifyJsonLines(Path file) {
        try (JsonLinesChainSource source = new JsonLinesChainSource(file)) {
            return ChainVerifier.verify(source, List.of(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The checkpoint keys of an {@code "audit"} ring, including RETIRED and DESTROYED keys: a destroyed key has
     * lost its private half but its public half must keep verifying the checkpoints it signed.
     * ({@link KeyRing#find} leaves destroyed keys out, as token verification must.)
     *
     * @param auditRing the ring loaded with {@code KeyMaterialStore.loadRing("audit")}
     * @return a key source over all of its keys' public halves
     */
    public static VerificationKeySource checkpointKeys(KeyRing auditRing) {
        List<SigningKey> keys = List.copyOf(auditRing.keys());
        return (KeyId kid) -> {
            for (SigningKey key : keys) {
                if (key.keyId().equals(kid)) {
                    return Optional.of(key.verificationKey());
                }
            }
            return Optional.<VerificationKey>empty();
        };
    }
}
