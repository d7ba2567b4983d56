package dev.aegis.store.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL over {@code key_rings} and {@code signing_keys}. Stateless; every method runs in the caller's transaction.
 *
 * <p>Lock order, to stay free of deadlocks: {@code key_rings} rows first (by name when several), then their
 * {@code signing_keys} rows.
 */
final class SigningKeyRows {

    /** A stored signing key; {@code envelope} is the sealed private JWK or {@code null}. */
    record Row(String kid, int ringOrder, String algorithm, String state, Instant createdAt, Instant activatedAt,
               Instant retiredAt, Instant destroyedAt, String publicJwk, byte[] envelope) {
    }

    private static final String COLUMNS = "kid, ring_order, algorithm, state, created_at, activated_at, retired_at,"
            + " destroyed_at, public_jwk, private_jwk_envelope";

    private SigningKeyRows() {
    }

    /**
     * Creates the ring's row if it is missing (race-safe: a concurrent creator makes this a no-op) and locks it
     * with {@code SELECT ... FOR UPDATE} until the transaction ends, so updates of one ring are serialized across
     * threads and cluster nodes.
     */
    static void createAndLock(Connection c, String ring, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO key_rings (name, version, updated_at) VALUES (?, 0, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, ring);
            SqlInstants.bind(ps, 2, now);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM key_rings WHERE name = ? FOR UPDATE")) {
            ps.setString(1, ring);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("key ring row " + ring + " vanished after insert");
                }
            }
        }
    }

    /** Locks every ring row, in name order (the lock order), for master key rotation. */
    static void lockAllRings(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM key_rings ORDER BY name FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // only the locks matter
            }
        }
    }

    static void touch(Connection c, String ring, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE key_rings SET version = version + 1, updated_at = ? WHERE name = ?")) {
            SqlInstants.bind(ps, 1, now);
            ps.setString(2, ring);
            ps.executeUpdate();
        }
    }

    /** @return the ring's keys in ring order; empty if the ring does not exist */
    static List<Row> load(Connection c, String ring) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM signing_keys WHERE ring_name = ? ORDER BY ring_order, kid")) {
            ps.setString(1, ring);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            SqlInstants.read(rs, 5), SqlInstants.read(rs, 6), SqlInstants.read(rs, 7),
                            SqlInstants.read(rs, 8), rs.getString(9), rs.getBytes(10)));
                }
            }
        }
        return rows;
    }

    static void insert(Connection c, String ring, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_keys (ring_name, " + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, ring);
            ps.setString(2, r.kid());
            ps.setInt(3, r.ringOrder());
            ps.setString(4, r.algorithm());
            ps.setString(5, r.state());
            SqlInstants.bind(ps, 6, r.createdAt());
            SqlInstants.bind(ps, 7, r.activatedAt());
            SqlInstants.bind(ps, 8, r.retiredAt());
            SqlInstants.bind(ps, 9, r.destroyedAt());
            ps.setString(10, r.publicJwk());
            ps.setBytes(11, r.envelope());
            ps.executeUpdate();
        }
    }

    /** Updates order, state, timestamps and the envelope (set to {@code null} when the key was destroyed). */
    static void update(Connection c, String ring, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE signing_keys SET ring_order = ?, state = ?,"
                + " activated_at = ?, retired_at = ?, destroyed_at = ?, private_jwk_envelope = ?"
                + " WHERE ring_name = ? AND kid = ?")) {
            ps.setInt(1, r.ringOrder());
            ps.setString(2, r.state());
            SqlInstants.bind(ps, 3, r.activatedAt());
            SqlInstants.bind(ps, 4, r.retiredAt());
            SqlInstants.bind(ps, 5, r.destroyedAt());
            ps.setBytes(6, r.envelope());
            ps.setString(7, ring);
            ps.setString(8, r.kid());
            ps.executeUpdate();
        }
    }

    static void delete(Connection c, String ring, String kid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM signing_keys WHERE ring_name = ? AND kid = ?")) {
            ps.setString(1, ring);
            ps.setString(2, kid);
            ps.executeUpdate();
        }
    }

    /** A sealed private key, across all rings, for re-wrapping after master key rotation. */
    record Sealed(String ring, String kid, byte[] envelope) {
    }

    static List<Sealed> loadSealed(Connection c) throws SQLException {
        List<Sealed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ring_name, kid, private_jwk_envelope"
                + " FROM signing_keys WHERE private_jwk_envelope IS NOT NULL ORDER BY ring_name, kid FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Sealed(rs.getString(1), rs.getString(2), rs.getBytes(3)));
            }
        }
        return out;
    }

    static void updateEnvelope(Connection c, Sealed s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE signing_keys SET private_jwk_envelope = ? WHERE ring_name = ? AND kid = ?")) {
            ps.setBytes(1, s.envelope());
            ps.setString(2, s.ring());
            ps.setString(3, s.kid());
            ps.executeUpdate();
        }
    }
}
