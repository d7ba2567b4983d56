package dev.aegis.gateway.api;

import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * API keys of the gateway (seed 002): {@code agk_} + a 12-character key id + {@code _} + 256 random bits
 * (base64url), stored only as a keyed hash (HMAC-SHA256 under the platform's pepper, passed in as
 * {@code hasher}); scoped to routes and methods; several active per consumer (rotation without downtime);
 * optional expiry; revocation that takes effect at once on this node and within the refresh interval (or at
 * once through the {@code apikey.revoked} event) on the others; an optional per-key limit.
 *
 * <p>The gateway looks keys up in an immutable snapshot keyed by hash (no database round trip per request).
 * Writes are single-statement transactions. Thread-safe.
 */
public final class ApiKeyRegistry {

    /** Visible prefix of every key: lets secret scanners and people recognise one. */
    public static final String PREFIX = "agk_";
    private static final int ID_CHARS = 12;
    /** Total key length: prefix, id, separator, 43 characters of 32 random bytes. */
    public static final int KEY_LENGTH = PREFIX.length() + ID_CHARS + 1 + 43;

    private final Store store;
    private final UnaryOperator<String> hasher;
    private final Clock clock;
    private volatile Map<String, ApiKeyInfo> byHash = Map.of();

    /**
     * @param store  the store (table {@code gw_api_keys})
     * @param hasher keyed hash of a key, e.g. {@code AuditLog::fingerprint}; must be the same on every node
     * @param clock  time source
     */
    public ApiKeyRegistry(Store store, UnaryOperator<String> hasher, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a key.
     *
     * @param consumer    holder, 1..128 characters
     * @param routes      route ids or {@code *}; non-empty
     * @param methods     methods or {@code *}; non-empty
     * @param limitMax    per-key limit, 0 for none
     * @param limitWindow per-key window (ignored when limitMax is 0)
     * @param expiresAt   expiry, or {@code null}
     * @return the key, shown once
     */
    public CreatedApiKey create(String consumer, Set<String> routes, Set<String> methods, int limitMax,
                                Duration limitWindow, Instant expiresAt) {
        if (consumer == null || consumer.isBlank() || consumer.length() > 128) {
            throw new IllegalArgumentException("consumer must have 1..128 characters");
        }
        if (routes.isEmpty() || methods.isEmpty()) {
            throw new IllegalArgumentException("routes and methods must not be empty");
        }
        if (limitMax < 0 || (limitMax > 0 && limitWindow.toMillis() < 100)) {
            throw new IllegalArgumentException("limit must be 0 or positive with a window of at least 100 ms");
        }
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("expiry must be in the future");
        }
        String keyId = SecureIds.token(9).replace('-', 'x').replace('_', 'y');
        String key = PREFIX + keyId + '_' + SecureIds.token(32);
        ApiKeyInfo info = new ApiKeyInfo(keyId, consumer, routes, upper(methods), limitMax,
                limitMax == 0 ? Duration.ZERO : limitWindow, now, expiresAt, null);
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO gw_api_keys (key_id, consumer, key_hash, routes,"
                    + " methods, limit_max, limit_window_ms, created_at, expires_at, revoked_at) VALUES (?,?,?,?,?,?,?,?,?,NULL)")) {
                ps.setString(1, keyId);
                ps.setString(2, consumer);
                ps.setString(3, hasher.apply(key));
                ps.setString(4, String.join(",", info.routes()));
                ps.setString(5, String.join(",", info.methods()));
                ps.setInt(6, limitMax);
                ps.setLong(7, info.limitWindow().toMillis());
                ps.setTimestamp(8, Timestamp.from(now));
                ps.setTimestamp(9, expiresAt == null ? null : Timestamp.from(expiresAt));
                ps.executeUpdate();
            }
            return null;
        });
        refresh();
        return new CreatedApiKey(info, key);
    }

    /** @param consumer a consumer, or {@code null} for all @return the keys, newest first */
    public List<ApiKeyInfo> list(String consumer) {
        return store.inTransaction(c -> {
            List<ApiKeyInfo> out = new ArrayList<>();
            String sql = "SELECT key_id, consumer, routes, methods, limit_max, limit_window_ms, created_at, expires_at,"
                    + " revoked_at, key_hash FROM gw_api_keys" + (consumer == null ? "" : " WHERE consumer = ?")
                    + " ORDER BY created_at DESC, key_id";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (consumer != null) {
                    ps.setString(1, consumer);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Revokes a key at once on this node.
     *
     * @param keyId the key id
     * @return whether an active key was revoked (false: unknown or already revoked)
     */
    public boolean revoke(String keyId) {
        Instant now = clock.instant();
        int n = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE gw_api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, keyId);
                return ps.executeUpdate();
            }
        });
        refresh();
        return n > 0;
    }

    /** Reloads the lookup snapshot from the database (periodically, and on {@code apikey.revoked}). */
    public void refresh() {
        Map<String, ApiKeyInfo> loaded = store.inTransaction(c -> load(c));
        byHash = Map.copyOf(loaded);
    }

    /**
     * Hot path: the key presented by a caller.
     *
     * @param presented the key as sent
     * @return the active key's description, or {@code null} if unknown, malformed, expired or revoked
     */
    public ApiKeyInfo lookup(String presented) {
        if (!wellFormed(presented)) {
            return null;
        }
        ApiKeyInfo info = byHash.get(hasher.apply(presented));
        return info != null && info.activeAt(clock.instant()) ? info : null;
    }

    /** @return whether {@code text} has the shape of a key (prefix and length; the secret is not checked) */
    public static boolean wellFormed(String text) {
        return text != null && text.length() == KEY_LENGTH && text.startsWith(PREFIX)
                && text.charAt(PREFIX.length() + ID_CHARS) == '_';
    }

    private static Map<String, ApiKeyInfo> load(Connection c) throws SQLException {
        Map<String, ApiKeyInfo> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id, consumer, routes, methods, limit_max,"
                + " limit_window_ms, created_at, expires_at, revoked_at, key_hash FROM gw_api_keys WHERE revoked_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(10), row(rs));
            }
        }
        return out;
    }

    private static ApiKeyInfo row(ResultSet rs) throws SQLException {
        return new ApiKeyInfo(rs.getString(1), rs.getString(2), csv(rs.getString(3)), csv(rs.getString(4)),
                rs.getInt(5), Duration.ofMillis(rs.getLong(6)), rs.getTimestamp(7).toInstant(),
                instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Set<String> csv(String s) {
        return new LinkedHashSet<>(Arrays.asList(s.split(",")));
    }

    private static Set<String> upper(Set<String> methods) {
        Set<String> out = new LinkedHashSet<>();
        for (String m : methods) {
            out.add(m.toUpperCase(java.util.Locale.ROOT));
        }
        return out;
    }
}
