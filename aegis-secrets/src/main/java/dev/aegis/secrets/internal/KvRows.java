package dev.aegis.secrets.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** SQL of KV version 2: {@code secrets_kv_metadata} and {@code secrets_kv_versions}. */
final class KvRows {
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() { };

    private KvRows() {
    }

    record Meta(long currentVersion, long oldestVersion, int maxVersions, boolean casRequired, long deleteAfterSeconds,
                Map<String, String> customMetadata, Instant createdAt, Instant updatedAt) {
        Meta withCurrent(long current, long oldest, Instant now) {
            return new Meta(current, oldest, maxVersions, casRequired, deleteAfterSeconds, customMetadata, createdAt, now);
        }
    }

    record Version(long version, byte[] envelope, Instant createdAt, Instant deletedAt, boolean destroyed) {
        boolean deleted(Instant now) {
            return deletedAt != null && !now.isBefore(deletedAt);
        }
    }

    /** One read: the metadata and the requested (or current) version, in one query. */
    record Read(Meta meta, Version version) {
    }

    private static final String META_COLUMNS = "m.current_version, m.oldest_version, m.max_versions, m.cas_required,"
            + " m.delete_after_seconds, m.custom_metadata, m.created_at, m.updated_at";

    static Read read(Connection c, String mount, String path, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + META_COLUMNS + ", v.version, v.envelope,"
                + " v.created_at, v.deleted_at, v.destroyed FROM secrets_kv_metadata m LEFT JOIN secrets_kv_versions v"
                + " ON v.mount_uuid = m.mount_uuid AND v.path = m.path"
                + " AND v.version = CASE WHEN ? > 0 THEN ? ELSE m.current_version END"
                + " WHERE m.mount_uuid = ? AND m.path = ?")) {
            ps.setLong(1, version);
            ps.setLong(2, version);
            ps.setString(3, mount);
            ps.setString(4, path);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Meta meta = meta(rs);
                long v = rs.getLong(9);
                Version ver = rs.wasNull() ? null : new Version(v, rs.getBytes(10), SqlValues.instant(rs, 11),
                        SqlValues.instant(rs, 12), rs.getBoolean(13));
                return new Read(meta, ver);
            }
        }
    }

    static Meta lockMeta(Connection c, String mount, String path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + META_COLUMNS
                + " FROM secrets_kv_metadata m WHERE m.mount_uuid = ? AND m.path = ? FOR UPDATE")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? meta(rs) : null;
            }
        }
    }

    static boolean exists(Connection c, String mount, String path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM secrets_kv_metadata WHERE mount_uuid = ? AND path = ?")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Meta meta(ResultSet rs) throws SQLException {
        return new Meta(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getBoolean(4), rs.getLong(5),
                customMetadata(rs.getString(6)), SqlValues.instant(rs, 7), SqlValues.instant(rs, 8));
    }

    static Map<String, String> customMetadata(String json) {
        try {
            return VaultJson.MAPPER.readValue(json, STRING_MAP);
        } catch (IOException e) {
            throw new IllegalStateException("stored custom metadata is malformed", e);
        }
    }

    /** Inserts the metadata row unless present (first write of a key, possibly racing another node). */
    static void insertMetaIfAbsent(Connection c, String mount, String path, Meta m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_kv_metadata (mount_uuid, path,"
                + " current_version, oldest_version, max_versions, cas_required, delete_after_seconds, custom_metadata,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            ps.setLong(3, m.currentVersion());
            ps.setLong(4, m.oldestVersion());
            ps.setInt(5, m.maxVersions());
            ps.setBoolean(6, m.casRequired());
            ps.setLong(7, m.deleteAfterSeconds());
            ps.setString(8, VaultJson.MAPPER.writeValueAsString(m.customMetadata()));
            SqlValues.bind(ps, 9, m.createdAt());
            SqlValues.bind(ps, 10, m.updatedAt());
            ps.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void updateMeta(Connection c, String mount, String path, Meta m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE secrets_kv_metadata SET current_version = ?,"
                + " oldest_version = ?, max_versions = ?, cas_required = ?, delete_after_seconds = ?, custom_metadata = ?,"
                + " updated_at = ? WHERE mount_uuid = ? AND path = ?")) {
            ps.setLong(1, m.currentVersion());
            ps.setLong(2, m.oldestVersion());
            ps.setInt(3, m.maxVersions());
            ps.setBoolean(4, m.casRequired());
            ps.setLong(5, m.deleteAfterSeconds());
            ps.setString(6, VaultJson.MAPPER.writeValueAsString(m.customMetadata()));
            SqlValues.bind(ps, 7, m.updatedAt());
            ps.setString(8, mount);
            ps.setString(9, path);
            ps.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void insertVersion(Connection c, String mount, String path, Version v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_kv_versions (mount_uuid, path, version,"
                + " envelope, created_at, deleted_at, destroyed) VALUES (?, ?, ?, ?, ?, ?, FALSE)")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            ps.setLong(3, v.version());
            ps.setBytes(4, v.envelope());
            SqlValues.bind(ps, 5, v.createdAt());
            SqlValues.bind(ps, 6, v.deletedAt());
            ps.executeUpdate();
        }
    }

    static List<Version> versions(Connection c, String mount, String path) throws SQLException {
        List<Version> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version, created_at, deleted_at, destroyed FROM"
                + " secrets_kv_versions WHERE mount_uuid = ? AND path = ? ORDER BY version")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Version(rs.getLong(1), null, SqlValues.instant(rs, 2), SqlValues.instant(rs, 3),
                            rs.getBoolean(4)));
                }
            }
        }
        return out;
    }

    /** Sets (or clears, with {@code null}) the deletion time of live versions; returns the versions changed. */
    static List<Long> setDeleted(Connection c, String mount, String path, List<Long> versions, Instant at)
            throws SQLException {
        List<Long> changed = new ArrayList<>();
        String condition = at == null ? "deleted_at IS NOT NULL" : "(deleted_at IS NULL OR deleted_at > ?)";
        try (PreparedStatement ps = c.prepareStatement("UPDATE secrets_kv_versions SET deleted_at = ? WHERE"
                + " mount_uuid = ? AND path = ? AND version = ? AND destroyed = FALSE AND " + condition)) {
            for (long v : versions) {
                SqlValues.bind(ps, 1, at);
                ps.setString(2, mount);
                ps.setString(3, path);
                ps.setLong(4, v);
                if (at != null) {
                    SqlValues.bind(ps, 5, at);
                }
                if (ps.executeUpdate() == 1) {
                    changed.add(v);
                }
            }
        }
        return changed;
    }

    static List<Long> destroy(Connection c, String mount, String path, List<Long> versions) throws SQLException {
        List<Long> changed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE secrets_kv_versions SET envelope = NULL, destroyed = TRUE"
                + " WHERE mount_uuid = ? AND path = ? AND version = ? AND destroyed = FALSE")) {
            for (long v : versions) {
                ps.setString(1, mount);
                ps.setString(2, path);
                ps.setLong(3, v);
                if (ps.executeUpdate() == 1) {
                    changed.add(v);
                }
            }
        }
        return changed;
    }

    /** Removes versions older than {@code keepFrom}. */
    static void prune(Connection c, String mount, String path, long keepFrom) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM secrets_kv_versions WHERE mount_uuid = ? AND path = ? AND version < ?")) {
            ps.setString(1, mount);
            ps.setString(2, path);
            ps.setLong(3, keepFrom);
            ps.executeUpdate();
        }
    }

    static void deleteAll(Connection c, String mount, String path) throws SQLException {
        for (String table : new String[] {"secrets_kv_versions", "secrets_kv_metadata"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE mount_uuid = ? AND path = ?")) {
                ps.setString(1, mount);
                ps.setString(2, path);
                ps.executeUpdate();
            }
        }
    }

    static void deleteMount(Connection c, String mount) throws SQLException {
        for (String table : new String[] {"secrets_kv_versions", "secrets_kv_metadata"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE mount_uuid = ?")) {
                ps.setString(1, mount);
                ps.executeUpdate();
            }
        }
    }

    /** The next path segments under {@code prefix} (folders end with {@code /}), sorted. */
    static List<String> list(Connection c, String mount, String prefix) throws SQLException {
        TreeSet<String> keys = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT path FROM secrets_kv_metadata WHERE mount_uuid = ?"
                + " AND path LIKE ? ESCAPE '!' ORDER BY path FETCH FIRST 100000 ROWS ONLY")) {
            ps.setString(1, mount);
            ps.setString(2, prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String rest = rs.getString(1).substring(prefix.length());
                    int slash = rest.indexOf('/');
                    keys.add(slash < 0 ? rest : rest.substring(0, slash + 1));
                }
            }
        }
        return new ArrayList<>(keys);
    }
}
