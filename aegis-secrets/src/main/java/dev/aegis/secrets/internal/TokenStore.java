package dev.aegis.secrets.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Tokens ({@code hvs.}-prefixed, 256 random bits) in {@code secrets_tokens}, stored only as HMAC-SHA256 under
 * the barrier's pepper, with TTL, renewal up to an explicit maximum, use counts, parent/child revocation and a
 * short node-local cache of looked-up entries (tokens with use counts are never cached).
 *
 * <p>Thread-safe.
 */
final class TokenStore {
    static final String PREFIX = "hvs.";
    private static final int MAX_CACHE = 100_000;
    private static final String COLUMNS = "token_hash, accessor, parent_accessor, policies, meta, display_name,"
            + " path, ttl_seconds, explicit_max_seconds, renewable, num_uses, created_at, expires_at, max_expires_at,"
            + " bound_cidrs";

    private final Store store;
    private final Barrier barrier;
    private final Clock clock;
    private final long cacheNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile Consumer<String> onRevoke = accessor -> { };

    private record Cached(TokenEntry entry, long loadedAt) {
    }

    /** A freshly created token: the value (shown once) and its entry. */
    record Issued(String token, TokenEntry entry) {
    }

    TokenStore(Store store, Barrier barrier, Clock clock, Duration cacheTtl) {
        this.store = store;
        this.barrier = barrier;
        this.clock = clock;
        this.cacheNanos = cacheTtl.toNanos();
    }

    /** @param listener told the accessor of every revoked token (its leases are revoked with it) */
    void onRevoke(Consumer<String> listener) {
        this.onRevoke = listener;
    }

    Issued create(String parentAccessor, List<String> policies, Map<String, String> meta, String displayName,
                  String path, Duration ttl, Duration explicitMax, boolean renewable, int numUses,
                  List<String> boundCidrs) {
        String token = PREFIX + SecureIds.token(32);
        Instant now = clock.instant();
        Instant maxExpiry = explicitMax.isZero() ? null : now.plus(explicitMax);
        Instant expiry = ttl.isZero() ? null : now.plus(ttl);
        if (maxExpiry != null && (expiry == null || expiry.isAfter(maxExpiry))) {
            expiry = maxExpiry;
        }
        TokenEntry entry = new TokenEntry(barrier.tokenHash(token), VaultJson.newAccessor(), parentAccessor,
                policies, meta, displayName, path, ttl, explicitMax, renewable, numUses, now, expiry, maxExpiry,
                boundCidrs);
        store.inTransaction(c -> {
            insert(c, entry);
            return null;
        });
        return new Issued(token, entry);
    }

    private static void insert(Connection c, TokenEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_tokens (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, e.hash());
            ps.setString(2, e.accessor());
            ps.setString(3, e.parentAccessor());
            ps.setString(4, String.join(",", e.policies()));
            ps.setString(5, VaultJson.MAPPER.writeValueAsString(e.meta()));
            ps.setString(6, e.displayName());
            ps.setString(7, e.path());
            ps.setLong(8, e.ttl().toSeconds());
            ps.setLong(9, e.explicitMax().toSeconds());
            ps.setBoolean(10, e.renewable());
            ps.setInt(11, e.numUses());
            SqlValues.bind(ps, 12, e.createdAt());
            SqlValues.bind(ps, 13, e.expiresAt());
            SqlValues.bind(ps, 14, e.maxExpiresAt());
            ps.setString(15, String.join(",", e.boundCidrs()));
            ps.executeUpdate();
        } catch (IOException ex) {
            throw new IllegalStateException("cannot encode token metadata", ex);
        }
    }

    /**
     * @param token the presented token, may be {@code null}
     * @return the live entry, or {@code null} if unknown, expired or revoked
     */
    TokenEntry lookup(String token) {
        if (token == null || token.isEmpty() || token.length() > 256) {
            return null;
        }
        String hash = barrier.tokenHash(token);
        long now = System.nanoTime();
        Cached cached = cache.get(hash);
        TokenEntry entry;
        if (cached != null && now - cached.loadedAt() < cacheNanos) {
            entry = cached.entry();
        } else {
            entry = load("token_hash", hash);
            if (entry == null) {
                cache.remove(hash);
                return null;
            }
            if (entry.numUses() == 0) {
                if (cache.size() >= MAX_CACHE) {
                    cache.clear();
                }
                cache.put(hash, new Cached(entry, now));
            }
        }
        if (entry.expired(clock.instant())) {
            revoke(entry);
            return null;
        }
        return entry;
    }

    TokenEntry lookupAccessor(String accessor) {
        TokenEntry e = accessor == null ? null : load("accessor", accessor);
        return e == null || e.expired(clock.instant()) ? null : e;
    }

    /** Spends one use of a limited-use token; the last use revokes it. */
    void use(TokenEntry entry) {
        if (entry.numUses() == 0) {
            return;
        }
        int left = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE secrets_tokens SET num_uses = num_uses - 1 WHERE token_hash = ? AND num_uses > 0")) {
                ps.setString(1, entry.hash());
                if (ps.executeUpdate() == 0) {
                    return -1;
                }
            }
            TokenEntry now = loadIn(c, "token_hash", entry.hash());
            return now == null ? -1 : now.numUses();
        });
        if (left <= 0) {
            revoke(entry);
            if (left < 0) {
                throw VaultError.permissionDenied();
            }
        }
    }

    /** Renews up to the explicit maximum; returns the updated entry. */
    TokenEntry renew(TokenEntry entry, Duration increment) {
        if (!entry.renewable()) {
            throw VaultError.badRequest("lease is not renewable");
        }
        Instant now = clock.instant();
        Duration by = increment.isZero() ? entry.ttl() : increment;
        Instant expiry = now.plus(by);
        if (entry.maxExpiresAt() != null && expiry.isAfter(entry.maxExpiresAt())) {
            expiry = entry.maxExpiresAt();
        }
        Instant newExpiry = expiry;
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE secrets_tokens SET expires_at = ? WHERE token_hash = ?")) {
                SqlValues.bind(ps, 1, newExpiry);
                ps.setString(2, entry.hash());
                return ps.executeUpdate();
            }
        });
        cache.remove(entry.hash());
        return entry.withExpiry(newExpiry);
    }

    /** Revokes the token, its child tokens (recursively, unless orphaned) and, through the listener, their leases. */
    void revoke(TokenEntry entry) {
        List<String> accessors = store.inTransaction(c -> {
            List<String> gone = new ArrayList<>();
            collect(c, entry.accessor(), gone, 0);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM secrets_tokens WHERE accessor = ?")) {
                for (String a : gone) {
                    ps.setString(1, a);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return gone;
        });
        cache.clear(); // children's hashes are unknown here; revocations are rare
        for (String a : accessors) {
            onRevoke.accept(a);
        }
    }

    private static void collect(Connection c, String accessor, List<String> out, int depth) throws SQLException {
        out.add(accessor);
        if (depth > 64) {
            return;
        }
        List<String> children = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT accessor FROM secrets_tokens WHERE parent_accessor = ?")) {
            ps.setString(1, accessor);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    children.add(rs.getString(1));
                }
            }
        }
        for (String child : children) {
            collect(c, child, out, depth + 1);
        }
    }

    /** Revokes up to {@code limit} expired tokens; returns how many. */
    int reapExpired(int limit) {
        List<TokenEntry> expired = store.inTransaction(c -> {
            List<TokenEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM secrets_tokens WHERE expires_at <= ? ORDER BY expires_at FETCH FIRST " + limit + " ROWS ONLY")) {
                SqlValues.bind(ps, 1, clock.instant());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
        for (TokenEntry e : expired) {
            revoke(e);
        }
        return expired.size();
    }

    private TokenEntry load(String column, String value) {
        return SingleReads.read(store, c -> loadIn(c, column, value));
    }

    private static TokenEntry loadIn(Connection c, String column, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM secrets_tokens WHERE "
                + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static TokenEntry read(ResultSet rs) throws SQLException {
        Map<String, String> meta;
        try {
            meta = VaultJson.MAPPER.readValue(rs.getString(5), new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("stored token metadata is malformed", e);
        }
        return new TokenEntry(rs.getString(1), rs.getString(2), rs.getString(3), split(rs.getString(4)), meta,
                rs.getString(6), rs.getString(7), Duration.ofSeconds(rs.getLong(8)),
                Duration.ofSeconds(rs.getLong(9)), rs.getBoolean(10), rs.getInt(11), SqlValues.instant(rs, 12),
                SqlValues.instant(rs, 13), SqlValues.instant(rs, 14), split(rs.getString(15)));
    }

    static List<String> split(String s) {
        return s == null || s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
    }
}
