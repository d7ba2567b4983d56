package dev.aegis.pki.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.pki.api.Workload;
import dev.aegis.pki.api.WorkloadRegistration;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL of {@code pki_workloads}, {@code pki_join_tokens} and {@code pki_svids}. */
public final class WorkloadRows {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String REVOCATIONS_COUNTER = "revocations";

    private WorkloadRows() {
    }

    /** @return false if a workload with this ID exists already */
    public static boolean insert(Connection c, WorkloadRegistration r, Instant now, String actor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pki_workloads (spiffe_id, dns_names, ttl_seconds, metadata,"
                + " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, r.spiffeId().toString());
            ps.setString(2, json(r.dnsNames()));
            ps.setLong(3, r.ttl().toSeconds());
            ps.setString(4, json(r.metadata()));
            Sql.bind(ps, 5, now);
            ps.setString(6, actor);
            return ps.executeUpdate() == 1;
        }
    }

    public static Optional<Workload> find(Connection c, SpiffeId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM pki_workloads WHERE spiffe_id = ?")) {
            ps.setString(1, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(workload(rs)) : Optional.empty();
            }
        }
    }

    public static List<Workload> list(Connection c, int limit) throws SQLException {
        List<Workload> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM pki_workloads ORDER BY spiffe_id LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(workload(rs));
                }
            }
        }
        return out;
    }

    /** @return false if unknown or already revoked */
    public static boolean revokeWorkload(Connection c, SpiffeId id, Instant now, String actor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE pki_workloads SET revoked_at = ?, revoked_by = ? WHERE spiffe_id = ? AND revoked_at IS NULL")) {
            Sql.bind(ps, 1, now);
            ps.setString(2, actor);
            ps.setString(3, id.toString());
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        Sql.bump(c, REVOCATIONS_COUNTER);
        return true;
    }

    /** @return the SPIFFE ID of the revoked SVID, or empty if unknown or already revoked */
    public static Optional<String> revokeSerial(Connection c, String serial, Instant now, String actor) throws SQLException {
        String id;
        try (PreparedStatement ps = c.prepareStatement("SELECT spiffe_id FROM pki_svids WHERE serial = ? AND revoked_at IS NULL FOR UPDATE")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                id = rs.getString(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE pki_svids SET revoked_at = ?, revoked_by = ? WHERE serial = ?")) {
            Sql.bind(ps, 1, now);
            ps.setString(2, actor);
            ps.setString(3, serial);
            ps.executeUpdate();
        }
        Sql.bump(c, REVOCATIONS_COUNTER);
        return Optional.of(id);
    }

    public static void insertToken(Connection c, String hash, SpiffeId id, Instant now, Instant expires, String actor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pki_join_tokens (token_hash, spiffe_id, created_at, expires_at,"
                + " created_by) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, hash);
            ps.setString(2, id.toString());
            Sql.bind(ps, 3, now);
            Sql.bind(ps, 4, expires);
            ps.setString(5, actor);
            ps.executeUpdate();
        }
    }

    /** @return the workload an unused, unexpired join token is bound to, without consuming the token */
    public static Optional<SpiffeId> peekToken(Connection c, String hash, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT spiffe_id FROM pki_join_tokens WHERE token_hash = ?"
                + " AND used_at IS NULL AND expires_at > ?")) {
            ps.setString(1, hash);
            Sql.bind(ps, 2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(SpiffeId.parse(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /**
     * Consumes a join token: marks it used if it exists, is unused and unexpired, in the caller's transaction
     * (a second use, even concurrent, finds it used: the UPDATE is conditional).
     *
     * @return the bound SPIFFE ID, or empty
     */
    public static Optional<SpiffeId> consumeToken(Connection c, String hash, Instant now) throws SQLException {
        Optional<SpiffeId> id = peekToken(c, hash, now);
        if (id.isEmpty()) {
            return id;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE pki_join_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL")) {
            Sql.bind(ps, 1, now);
            ps.setString(2, hash);
            if (ps.executeUpdate() != 1) {
                return Optional.empty();
            }
        }
        return id;
    }

    public static void insertSvid(Connection c, String serial, SpiffeId id, String generation, Instant now, Instant notAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pki_svids (serial, spiffe_id, generation_id, issued_at, not_after)"
                + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, serial);
            ps.setString(2, id.toString());
            ps.setString(3, generation);
            Sql.bind(ps, 4, now);
            Sql.bind(ps, 5, notAfter);
            ps.executeUpdate();
        }
    }

    /** @return whether the serial was issued by us and is revoked */
    public static boolean serialRevoked(Connection c, String serial) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT revoked_at FROM pki_svids WHERE serial = ?")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getObject(1) != null;
            }
        }
    }

    /** @return the current version of the revocation list */
    public static long revocationsVersion(Connection c) throws SQLException {
        return Sql.counter(c, REVOCATIONS_COUNTER);
    }

    /** The revocation list: revoked serials not yet expired, revoked workloads, and the counter as version. */
    public record Revocations(long version, List<String> serials, List<String> spiffeIds) {
    }

    public static Revocations revocations(Connection c, Instant now) throws SQLException {
        List<String> serials = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM pki_svids WHERE revoked_at IS NOT NULL AND not_after > ? ORDER BY serial")) {
            Sql.bind(ps, 1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    serials.add(rs.getString(1));
                }
            }
        }
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT spiffe_id FROM pki_workloads WHERE revoked_at IS NOT NULL ORDER BY spiffe_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return new Revocations(Sql.counter(c, REVOCATIONS_COUNTER), serials, ids);
    }

    private static Workload workload(ResultSet rs) throws SQLException {
        WorkloadRegistration r = new WorkloadRegistration(SpiffeId.parse(rs.getString("spiffe_id")),
                read(rs.getString("dns_names"), new TypeReference<List<String>>() { }),
                Duration.ofSeconds(rs.getLong("ttl_seconds")),
                read(rs.getString("metadata"), new TypeReference<Map<String, String>>() { }));
        return new Workload(r, Sql.instant(rs, "created_at"), rs.getString("created_by"),
                Optional.ofNullable(Sql.instant(rs, "revoked_at")));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String s, TypeReference<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is malformed", e);
        }
    }
}
