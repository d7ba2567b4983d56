package dev.aegis.policy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The SQL of the authorization engine over the {@code authz_*} tables (V30), on H2 and PostgreSQL alike.
 *
 * <p>Every tuple write takes the next numbers of one gapless sequence by row-locking {@code authz_log_head}, so
 * sequence order is commit order on every node: a reader that has applied the log up to {@code n} has seen every
 * change numbered {@code <= n}. Thread-safe (no state beside the {@link Store}).
 */
public final class JdbcTupleStore {
    private static final String TUPLE_COLUMNS = "object_type, object_id, relation, user_type, user_id, user_relation, "
            + "condition_name, condition_context";

    /** The platform event topic announcing committed tuple changes (subject: store id). */
    public static final String TOPIC = "authz.changed";

    private final Store store;
    private final EventBus events;

    /** @param events where committed changes are announced (in the same transaction), or {@code null} */
    public JdbcTupleStore(Store store, EventBus events) {
        this.store = store;
        this.events = events;
    }

    /** Announces changes inside the writing transaction: the event commits exactly when the tuples do. */
    private void announce(Connection c, String storeId, long seq, int count) throws SQLException {
        if (events != null && count > 0) {
            events.publish(c, TOPIC, storeId, java.util.Map.of("consistency_token", Consistency.token(seq),
                    "changes", Integer.toString(count)));
        }
    }

    // ---- tuples -------------------------------------------------------------------------------------------

    /**
     * Applies a validated write in one transaction: every delete and write or nothing.
     *
     * @return the committed changes (empty when everything was an ignored duplicate or missing) and the token
     */
    public WriteOutcome write(String storeId, WritePlan plan, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        return store.inTransaction(c -> {
            long seq = lockHead(c);
            for (WritePlan.Precondition p : plan.preconditions()) {
                boolean exists = existing(c, storeId, p.tuple()) != null;
                if (exists != p.mustExist()) {
                    throw new InvalidInputException("precondition_failed", "precondition failed: tuple " + p.tuple().keyOnly()
                            + (p.mustExist() ? " does not exist" : " exists"));
                }
            }
            List<Change> changes = new ArrayList<>();
            for (Tuple t : plan.deletes()) {
                if (delete(c, storeId, t)) {
                    changes.add(new Change(++seq, storeId, false, t.keyOnly(), at));
                } else if (!plan.ignoreMissing()) {
                    throw new InvalidInputException("write_failed_due_to_invalid_input",
                            "cannot delete a tuple which does not exist: " + describe(t));
                }
            }
            for (Tuple t : plan.writes()) {
                Tuple old = existing(c, storeId, t);
                if (old != null) {
                    boolean same = java.util.Objects.equals(old.conditionName(), t.conditionName())
                            && java.util.Objects.equals(old.context(), t.context());
                    if (!plan.ignoreDuplicates() || !same) {
                        throw new InvalidInputException("write_failed_due_to_invalid_input",
                                "cannot write a tuple which already exists: " + describe(t));
                    }
                    continue;
                }
                insert(c, storeId, t, ++seq, at);
                changes.add(new Change(seq, storeId, true, t, at));
            }
            for (Change ch : changes) {
                logChange(c, ch);
            }
            if (!changes.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE authz_log_head SET last_seq = ? WHERE id = 1")) {
                    ps.setLong(1, seq);
                    ps.executeUpdate();
                }
                announce(c, storeId, seq, changes.size());
            }
            return new WriteOutcome(seq, List.copyOf(changes));
        });
    }

    private static String describe(Tuple t) {
        return "user: '" + t.user() + "', relation: '" + t.relation() + "', object: '" + t.object() + "'";
    }

    private static long lockHead(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM authz_log_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("authz_log_head row is missing");
            }
            return rs.getLong(1);
        }
    }

    /** The newest committed sequence (the token a fully consistent read must reach). */
    public long head() {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM authz_log_head WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    private static Tuple existing(Connection c, String storeId, Tuple t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TUPLE_COLUMNS + " FROM authz_tuples WHERE store_id = ? "
                + "AND object_type = ? AND object_id = ? AND relation = ? AND user_type = ? AND user_id = ? AND user_relation = ?")) {
            bindKey(ps, 1, storeId, t);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? tuple(rs, 1) : null;
            }
        }
    }

    private static boolean delete(Connection c, String storeId, Tuple t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM authz_tuples WHERE store_id = ? AND object_type = ? "
                + "AND object_id = ? AND relation = ? AND user_type = ? AND user_id = ? AND user_relation = ?")) {
            bindKey(ps, 1, storeId, t);
            return ps.executeUpdate() == 1;
        }
    }

    private static void insert(Connection c, String storeId, Tuple t, long seq, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO authz_tuples (store_id, " + TUPLE_COLUMNS
                + ", written_seq, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bindKey(ps, 1, storeId, t);
            bindCondition(ps, 8, t);
            ps.setLong(10, seq);
            ps.setObject(11, utc(at));
            ps.executeUpdate();
        }
    }

    private static void logChange(Connection c, Change ch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO authz_changes (seq, store_id, operation, "
                + TUPLE_COLUMNS + ", occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, ch.seq());
            ps.setString(2, ch.storeId());
            ps.setString(3, ch.write() ? "WRITE" : "DELETE");
            Tuple t = ch.tuple();
            ps.setString(4, t.objectType());
            ps.setString(5, t.objectId());
            ps.setString(6, t.relation());
            ps.setString(7, t.userType());
            ps.setString(8, t.userId());
            ps.setString(9, t.userRelation());
            bindCondition(ps, 10, t);
            ps.setObject(12, utc(ch.at()));
            ps.executeUpdate();
        }
    }

    private static void bindKey(PreparedStatement ps, int i, String storeId, Tuple t) throws SQLException {
        ps.setString(i, storeId);
        ps.setString(i + 1, t.objectType());
        ps.setString(i + 2, t.objectId());
        ps.setString(i + 3, t.relation());
        ps.setString(i + 4, t.userType());
        ps.setString(i + 5, t.userId());
        ps.setString(i + 6, t.userRelation());
    }

    private static void bindCondition(PreparedStatement ps, int i, Tuple t) throws SQLException {
        if (t.conditionName() == null) {
            ps.setNull(i, Types.VARCHAR);
            ps.setNull(i + 1, Types.VARCHAR);
        } else {
            ps.setString(i, t.conditionName());
            if (t.context() == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else {
                ps.setString(i + 1, t.context().toString());
            }
        }
    }

    private static Tuple tuple(ResultSet rs, int i) throws SQLException {
        String context = rs.getString(i + 7);
        ObjectNode ctx = null;
        if (context != null) {
            try {
                ctx = (ObjectNode) ModelParser.JSON.readTree(context);
            } catch (JsonProcessingException | ClassCastException e) {
                throw new SQLException("stored condition context is not a JSON object");
            }
        }
        return new Tuple(rs.getString(i), rs.getString(i + 1), rs.getString(i + 2), rs.getString(i + 3),
                rs.getString(i + 4), rs.getString(i + 5), rs.getString(i + 6), ctx);
    }

    /**
     * Streams every tuple of a store to {@code sink} (to build the in-memory index) and returns the log head read
     * first: replaying the changes after it on top of what was streamed gives the state at the newest change.
     */
    public long loadAll(String storeId, Consumer<Tuple> sink) {
        long head = head();
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TUPLE_COLUMNS + " FROM authz_tuples WHERE store_id = ?")) {
                ps.setFetchSize(10_000);
                ps.setString(1, storeId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(tuple(rs, 1));
                    }
                }
            }
            return null;
        });
        return head;
    }

    /** Tuples matching a filter (null parts match anything), in key order, for the Read API. */
    public List<Object[]> read(String storeId, String objectType, String objectId, String relation, String[] user,
                               int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + TUPLE_COLUMNS + ", written_at FROM authz_tuples WHERE store_id = ?");
        List<String> args = new ArrayList<>();
        args.add(storeId);
        if (objectType != null) {
            sql.append(" AND object_type = ?");
            args.add(objectType);
        }
        if (objectId != null) {
            sql.append(" AND object_id = ?");
            args.add(objectId);
        }
        if (relation != null) {
            sql.append(" AND relation = ?");
            args.add(relation);
        }
        if (user != null) {
            sql.append(" AND user_type = ? AND user_id = ? AND user_relation = ?");
            args.add(user[0]);
            args.add(user[1]);
            args.add(user[2]);
        }
        sql.append(" ORDER BY object_type, object_id, relation, user_type, user_id, user_relation LIMIT ? OFFSET ?");
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String a : args) {
                    ps.setString(i++, a);
                }
                ps.setInt(i++, limit);
                ps.setInt(i, offset);
                List<Object[]> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Object[] {tuple(rs, 1), rs.getObject(9, OffsetDateTime.class).toInstant()});
                    }
                }
                return out;
            }
        });
    }

    /** Changes after {@code afterSeq}, oldest first; {@code storeId} and {@code objectType} may be {@code null}. */
    public List<Change> changesAfter(String storeId, String objectType, long afterSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, store_id, operation, " + TUPLE_COLUMNS
                + ", occurred_at FROM authz_changes WHERE seq > ?");
        if (storeId != null) {
            sql.append(" AND store_id = ?");
        }
        if (objectType != null) {
            sql.append(" AND object_type = ?");
        }
        sql.append(" ORDER BY seq LIMIT ?");
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                ps.setLong(i++, afterSeq);
                if (storeId != null) {
                    ps.setString(i++, storeId);
                }
                if (objectType != null) {
                    ps.setString(i++, objectType);
                }
                ps.setInt(i, limit);
                List<Change> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Change(rs.getLong(1), rs.getString(2), "WRITE".equals(rs.getString(3)), tuple(rs, 4),
                                rs.getObject(12, OffsetDateTime.class).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    /** Bulk load for benchmarks and imports: plain inserts in batches, one transaction per call, logged as writes. */
    public long bulkInsert(String storeId, List<Tuple> tuples, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        return store.inTransaction(c -> {
            long seq = lockHead(c);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO authz_tuples (store_id, " + TUPLE_COLUMNS
                    + ", written_seq, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement log = c.prepareStatement("INSERT INTO authz_changes (seq, store_id, operation, "
                         + TUPLE_COLUMNS + ", occurred_at) VALUES (?, ?, 'WRITE', ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Tuple t : tuples) {
                    seq++;
                    bindKey(ins, 1, storeId, t);
                    bindCondition(ins, 8, t);
                    ins.setLong(10, seq);
                    ins.setObject(11, utc(at));
                    ins.addBatch();
                    log.setLong(1, seq);
                    bindKey(log, 2, storeId, t);
                    bindCondition(log, 9, t);
                    log.setObject(11, utc(at));
                    log.addBatch();
                }
                ins.executeBatch();
                log.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE authz_log_head SET last_seq = ? WHERE id = 1")) {
                ps.setLong(1, seq);
                ps.executeUpdate();
            }
            announce(c, storeId, seq, tuples.size());
            return seq;
        });
    }

    private static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    /** The committed result of a write: the consistency token (log head after it) and its changes. */
    public record WriteOutcome(long token, List<Change> changes) { }
}
