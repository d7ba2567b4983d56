package dev.aegis.store.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /** The rows of a ring: those whose MAC verifies, and the kids of those that do not (never used). */
    record Loaded(List<Row> trusted, List<String> untrustedKids) {
    }

    private static final String COLUMNS = "kid, ring_order, algorithm, state, created_at, activated_at, retired_at,"
            + " destroyed_at, public_jwk, private_jwk_envelope";
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyRows.class);

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

    /**
     * @return the ring's keys in ring order (empty if the ring does not exist); a row whose MAC does not verify
     *         (written by someone without the root key, or from before MACs existed) is left out and logged
     */
    static Loaded load(Connection c, String ring, SigningKeyRowMac macs) throws SQLException {
        List<Row> rows = new ArrayList<>();
        List<String> untrusted = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + ", row_mac FROM signing_keys WHERE ring_name = ? ORDER BY ring_order, kid")) {
            ps.setString(1, ring);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row row = new Row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            SqlInstants.read(rs, 5), SqlInstants.read(rs, 6), SqlInstants.read(rs, 7),
                            SqlInstants.read(rs, 8), rs.getString(9), rs.getBytes(10));
                    if (macs.verifies(ring, row, rs.getString(11))) {
                        rows.add(row);
                    } else {
                        untrusted.add(row.kid());
                        LOG.atWarn().addKeyValue("ring", ring).addKeyValue("kid", row.kid())
                                .log("signing key row has no valid MAC; ignoring it (written without the root key?)");
                    }
                }
            }
        }
        return new Loaded(rows, untrusted);
    }

    static void insert(Connection c, String ring, Row r, SigningKeyRowMac macs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_keys (ring_name, " + COLUMNS
                + ", row_mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
            ps.setString(12, macs.tag(ring, r));
            ps.executeUpdate();
        }
    }

    /**
     * Updates order, state, timestamps, the envelope (set to {@code null} when the key was destroyed) and the
     * MAC over all of it. {@code r} carries the stored kid, algorithm, creation time and public JWK unchanged.
     */
    static void update(Connection c, String ring, Row r, SigningKeyRowMac macs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE signing_keys SET ring_order = ?, state = ?,"
                + " activated_at = ?, retired_at = ?, destroyed_at = ?, private_jwk_envelope = ?, row_mac = ?"
                + " WHERE ring_name = ? AND kid = ?")) {
            ps.setInt(1, r.ringOrder());
            ps.setString(2, r.state());
            SqlInstants.bind(ps, 3, r.activatedAt());
            SqlInstants.bind(ps, 4, r.retiredAt());
            SqlInstants.bind(ps, 5, r.destroyedAt());
            ps.setBytes(6, r.envelope());
            ps.setString(7, macs.tag(ring, r));
            ps.setString(8, ring);
            ps.setString(9, r.kid());
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

    /** The sealed private keys of every ring, for re-wrapping after master key rotation (trusted rows only). */
    static List<RingRow> loadSealed(Connection c, SigningKeyRowMac macs) throws SQLException {
        List<String> rings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM key_rings ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rings.add(rs.getString(1));
            }
        }
        List<RingRow> out = new ArrayList<>();
        for (String ring : rings) {
            for (Row r : load(c, ring, macs).trusted()) {
                if (r.envelope() != null) {
                    out.add(new RingRow(ring, r));
                }
            }
        }
        return out;
    }

    /** A row together with its ring. */
    record RingRow(String ring, Row row) {
    }
}
