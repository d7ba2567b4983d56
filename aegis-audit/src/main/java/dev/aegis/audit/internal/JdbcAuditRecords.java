package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditRecord;
import dev.aegis.store.api.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL over the store's audit tables ({@code audit_records}, {@code audit_chain_head}); the schema itself is
 * owned by aegis-store's migrations. Statements are plain SQL valid on PostgreSQL and on H2 in PostgreSQL mode.
 *
 * <p>{@link #commit} is the group commit: in ONE transaction it locks the single chain head row with
 * {@code SELECT ... FOR UPDATE} (so several nodes sharing PostgreSQL append to one chain, one batch at a
 * time), assigns the next sequence numbers, computes the hashes, inserts the batch with one JDBC batch and
 * moves the head. Thread-safe (stateless apart from the {@link Store}).
 */
public final class JdbcAuditRecords implements ChainCommitter {

    static final int HEAD_ID = 1;
    static final String COLUMNS = "seq, event_id, recorded_at, actor, subject, action, resource, decision, reason,"
            + " request_id, source_address, service, details, prev_hash, hash";

    private final Store store;

    /** @param store the opened store (migrations applied) */
    public JdbcAuditRecords(Store store) {
        this.store = store;
    }

    /** Creates the chain head row when the migration did not (idempotent; safe when nodes race). */
    public void ensureHead() {
        if (store.inTransaction(c -> readHead(c, false)) != null) {
            return;
        }
        try {
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO audit_chain_head (id, seq, hash) VALUES (?, 0, ?)")) {
                    ps.setInt(1, HEAD_ID);
                    ps.setString(2, AuditChain.GENESIS_HASH);
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (RuntimeException e) {
            if (store.inTransaction(c -> readHead(c, false)) == null) {
                throw e; // not a lost race with another node: a real failure
            }
        }
    }

    @Override
    public List<AuditRecord> commit(List<AuditEvent> events) {
        return store.inTransaction(c -> {
            ChainHead head = readHead(c, true);
            if (head == null) {
                throw new SQLException("audit_chain_head row is missing");
            }
            List<AuditRecord> records = new ArrayList<>(events.size());
            String prev = head.hash();
            long seq = head.sequence();
            for (AuditEvent event : events) {
                AuditRecord r = AuditChain.append(prev, ++seq, event);
                records.add(r);
                prev = r.hash();
            }
            insert(c, records);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = ?")) {
                ps.setLong(1, seq);
                ps.setString(2, prev);
                ps.setInt(3, HEAD_ID);
                ps.executeUpdate();
            }
            return records;
        });
    }

    /**
     * @param c      connection in a transaction
     * @param locked whether to take the row lock ({@code FOR UPDATE})
     * @return the head, or {@code null} when the row is missing
     */
    static ChainHead readHead(Connection c, boolean locked) throws SQLException {
        String sql = "SELECT seq, hash FROM audit_chain_head WHERE id = ?" + (locked ? " FOR UPDATE" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, HEAD_ID);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ChainHead(rs.getLong(1), rs.getString(2)) : null;
            }
        }
    }

    private static void insert(Connection c, List<AuditRecord> records) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_records (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditRecord r : records) {
                bind(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Binds all 15 columns of {@link #COLUMNS}, in order. Also used by tests that forge rows. */
    static void bind(PreparedStatement ps, AuditRecord r) throws SQLException {
        AuditEvent e = r.event();
        ps.setLong(1, r.sequence());
        ps.setString(2, e.eventId());
        SqlTime.bind(ps, 3, e.time());
        ps.setString(4, e.actor());
        ps.setString(5, e.subject());
        ps.setString(6, e.action());
        ps.setString(7, e.resource());
        ps.setString(8, e.decision().name());
        ps.setString(9, e.reason());
        ps.setString(10, e.requestId());
        ps.setString(11, e.sourceAddress());
        ps.setString(12, e.service());
        ps.setString(13, AuditJsonLine.detailsJson(e.details()));
        ps.setString(14, r.previousHash());
        ps.setString(15, r.hash());
    }

    /**
     * Reads the current row of {@code rs} (selected with {@link #COLUMNS}); a row that is not a well-formed
     * record (tampered beyond parsing) becomes a malformed {@link StoredRow}.
     */
    static StoredRow read(ResultSet rs) throws SQLException {
        long seq = rs.getLong(1);
        try {
            AuditEvent event = new AuditEvent(rs.getString(2), SqlTime.read(rs, 3), rs.getString(4),
                    rs.getString(5), rs.getString(6), rs.getString(7), AuditDecision.valueOf(rs.getString(8)),
                    rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                    AuditJsonLine.parseDetails(rs.getString(13)));
            return StoredRow.of(seq, new AuditRecord(seq, event, rs.getString(14), rs.getString(15)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return StoredRow.malformed(seq, seq, "row " + seq + ": " + e.getMessage());
        }
    }
}
