package dev.aegis.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A {@link ChainSource} over {@code audit_records}, read in pages of {@value #PAGE} rows by keyset pagination
 * ({@code WHERE seq > ? ORDER BY seq}), so memory stays constant. Position = the {@code seq} column. Reads,
 * checkpoints and head come from one connection whose transaction the caller opened (REPEATABLE READ), so the
 * verifier sees one snapshot while the writer keeps appending.
 *
 * <p>Not thread-safe. SQL failures surface as {@link IllegalStateException} wrapping the {@link SQLException}.
 */
public final class JdbcChainSource implements ChainSource {

    static final int PAGE = 1000;

    private final Connection connection;

    /** @param connection an open connection inside a read transaction */
    public JdbcChainSource(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Iterator<StoredRow> rows() {
        return new PageIterator();
    }

    @Override
    public boolean laterRowWithHash(String hash, long position) {
        return exists("SELECT 1 FROM audit_records WHERE hash = ? AND seq > ? LIMIT 1", hash, position);
    }

    @Override
    public boolean laterRowWithPreviousHash(String previousHash, long position) {
        return exists("SELECT 1 FROM audit_records WHERE prev_hash = ? AND seq > ? LIMIT 1", previousHash, position);
    }

    /** @return the checkpoints, ascending by sequence */
    public List<StoredCheckpoint> checkpoints() throws SQLException {
        List<StoredCheckpoint> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT seq, record_hash, kid, signature, created_at FROM audit_checkpoints ORDER BY seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredCheckpoint(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        SqlTime.read(rs, 5)));
            }
        }
        return out;
    }

    /** @return the chain head, or {@code null} when its row is missing */
    public ChainHead head() throws SQLException {
        return JdbcAuditRecords.readHead(connection, false);
    }

    private boolean exists(String sql, String hash, long position) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, hash);
            ps.setLong(2, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read audit_records", e);
        }
    }

    private final class PageIterator implements Iterator<StoredRow> {
        private final ArrayDeque<StoredRow> page = new ArrayDeque<>(PAGE);
        private long after = Long.MIN_VALUE;
        private boolean exhausted;

        @Override
        public boolean hasNext() {
            if (page.isEmpty() && !exhausted) {
                fetch();
            }
            return !page.isEmpty();
        }

        @Override
        public StoredRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.poll();
        }

        private void fetch() {
            try (PreparedStatement ps = connection.prepareStatement("SELECT " + JdbcAuditRecords.COLUMNS
                    + " FROM audit_records WHERE seq > ? ORDER BY seq LIMIT " + PAGE)) {
                ps.setLong(1, after);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StoredRow row = JdbcAuditRecords.read(rs);
                        page.add(row);
                        after = row.position();
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read audit_records", e);
            }
            exhausted = page.size() < PAGE;
        }
    }
}
