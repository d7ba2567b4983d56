package dev.aegis.pki.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL of {@code pki_pin_policies} and {@code pki_unpin_requests}. */
public final class PinRows {

    /** A pending or approved unpin request. */
    public record UnpinRequest(String id, String scope, Duration duration, String reason, String requestedBy,
                               Instant expiresAt, String approvedBy) {
    }

    private PinRows() {
    }

    /** Locks the scope's row if present; @return its version, 0 if none. */
    public static long lockVersion(Connection c, String scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM pki_pin_policies WHERE scope = ? FOR UPDATE")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    public static void upsert(Connection c, String scope, long version, String jws, Instant expires, Instant now, String actor)
            throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM pki_pin_policies WHERE scope = ?")) {
            del.setString(1, scope);
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pki_pin_policies (scope, version, jws, expires_at, created_at,"
                + " created_by) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, scope);
            ps.setLong(2, version);
            ps.setString(3, jws);
            Sql.bind(ps, 4, expires);
            Sql.bind(ps, 5, now);
            ps.setString(6, actor);
            ps.executeUpdate();
        }
    }

    /** @return the signed documents in force: pin policies and approved, unexpired unpins */
    public static List<String> documents(Connection c, Instant now) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT jws FROM pki_pin_policies WHERE expires_at > ? ORDER BY scope")) {
            Sql.bind(ps, 1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT jws FROM pki_unpin_requests WHERE jws IS NOT NULL AND unpin_until > ?"
                + " ORDER BY approved_at")) {
            Sql.bind(ps, 1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    public static void insertRequest(Connection c, UnpinRequest r, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pki_unpin_requests (id, scope, duration_secs, reason,"
                + " requested_by, requested_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.scope());
            ps.setLong(3, r.duration().toSeconds());
            ps.setString(4, r.reason());
            ps.setString(5, r.requestedBy());
            Sql.bind(ps, 6, now);
            Sql.bind(ps, 7, r.expiresAt());
            ps.executeUpdate();
        }
    }

    public static UnpinRequest lockRequest(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, scope, duration_secs, reason, requested_by, expires_at, approved_by"
                + " FROM pki_unpin_requests WHERE id = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new UnpinRequest(rs.getString(1), rs.getString(2), Duration.ofSeconds(rs.getLong(3)), rs.getString(4),
                        rs.getString(5), Sql.instant(rs, "expires_at"), rs.getString(7));
            }
        }
    }

    public static void approve(Connection c, String id, String approver, Instant now, String jws, Instant until) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pki_unpin_requests SET approved_by = ?, approved_at = ?, jws = ?,"
                + " unpin_until = ? WHERE id = ? AND approved_by IS NULL")) {
            ps.setString(1, approver);
            Sql.bind(ps, 2, now);
            ps.setString(3, jws);
            Sql.bind(ps, 4, until);
            ps.setString(5, id);
            ps.executeUpdate();
        }
    }
}
