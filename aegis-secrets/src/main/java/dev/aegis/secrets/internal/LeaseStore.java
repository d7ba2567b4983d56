package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases of dynamic secrets in {@code secrets_leases}. Nothing is held in memory: every operation reads the rows it
 * needs, and expiry is found by an indexed query in small batches, so a million leases neither slow start-up nor
 * fill the heap. Revocation runs the engine's revoker (idempotent, e.g. {@code DROP ROLE IF EXISTS}) and then
 * deletes the row, so a revocation interrupted half-way, or run by two nodes at once, is simply repeated.
 *
 * <p>Thread-safe.
 */
final class LeaseStore {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseStore.class);
    private static final int BATCH = 500;

    /** Undoes what a lease granted (drops a database user). Must be idempotent. */
    interface Revoker {
        void revoke(ObjectNode revokeData);
    }

    /** Moves what a lease granted to its new expiry (a database user's {@code VALID UNTIL}); throws to refuse. */
    interface Renewer {
        void extend(ObjectNode revokeData, Instant expiresAt);
    }

    record Lease(String id, String tokenAccessor, String engine, Instant issuedAt, Instant renewedAt,
                 Instant expiresAt, Instant maxExpiresAt, boolean renewable) {
        long ttlSeconds(Instant now) {
            return Math.max(0, Duration.between(now, expiresAt).toSeconds());
        }
    }

    private final Store store;
    private final Barrier barrier;
    private final Clock clock;
    private final Map<String, Revoker> revokers = new ConcurrentHashMap<>();
    private final Map<String, Renewer> renewers = new ConcurrentHashMap<>();

    LeaseStore(Store store, Barrier barrier, Clock clock) {
        this.store = store;
        this.barrier = barrier;
        this.clock = clock;
    }

    void register(String engine, Revoker revoker) {
        revokers.put(engine, revoker);
    }

    void registerRenewer(String engine, Renewer renewer) {
        renewers.put(engine, renewer);
    }

    Lease create(String prefix, String tokenAccessor, String engine, Duration ttl, Duration maxTtl, boolean renewable,
                 ObjectNode revokeData) {
        String id = prefix + "/" + SecureIds.token(18);
        Instant now = clock.instant();
        Instant max = now.plus(maxTtl);
        Instant expiry = now.plus(ttl).isAfter(max) ? max : now.plus(ttl);
        byte[] sealed = barrier.encrypt(VaultJson.write(revokeData).getBytes(StandardCharsets.UTF_8), aad(id));
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_leases (lease_id, token_accessor,"
                    + " engine, issued_at, renewed_at, expires_at, max_expires_at, renewable, revoke_data, state)"
                    + " VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, 'active')")) {
                ps.setString(1, id);
                ps.setString(2, tokenAccessor);
                ps.setString(3, engine);
                SqlValues.bind(ps, 4, now);
                SqlValues.bind(ps, 5, expiry);
                SqlValues.bind(ps, 6, max);
                ps.setBoolean(7, renewable);
                ps.setBytes(8, sealed);
                return ps.executeUpdate();
            }
        });
        return new Lease(id, tokenAccessor, engine, now, null, expiry, max, renewable);
    }

    Lease lookup(String id) {
        return store.inTransaction(c -> load(c, id));
    }

    private static Lease load(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lease_id, token_accessor, engine, issued_at, renewed_at,"
                + " expires_at, max_expires_at, renewable FROM secrets_leases WHERE lease_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Lease(rs.getString(1), rs.getString(2), rs.getString(3), SqlValues.instant(rs, 4),
                        SqlValues.instant(rs, 5), SqlValues.instant(rs, 6), SqlValues.instant(rs, 7), rs.getBoolean(8))
                        : null;
            }
        }
    }

    /**
     * Extends a lease by {@code increment} from now, never past its maximum. The engine's renewer moves the
     * granted credential first; if it refuses, the lease keeps its old expiry.
     */
    Lease renew(String id, Duration increment) {
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            Lease l = load(c, id);
            if (l == null || !now.isBefore(l.expiresAt())) {
                throw VaultError.badRequest("lease not found or lease is not renewable");
            }
            if (!l.renewable()) {
                throw VaultError.badRequest("lease is not renewable");
            }
            Duration by = increment.isZero() ? Duration.between(l.issuedAt(), l.expiresAt()) : increment;
            Instant expiry = now.plus(by).isAfter(l.maxExpiresAt()) ? l.maxExpiresAt() : now.plus(by);
            Renewer renewer = renewers.get(l.engine());
            if (renewer != null) {
                renewer.extend(revokeData(c, id), expiry);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE secrets_leases SET expires_at = ?, renewed_at = ? WHERE lease_id = ?")) {
                SqlValues.bind(ps, 1, expiry);
                SqlValues.bind(ps, 2, now);
                ps.setString(3, id);
                ps.executeUpdate();
            }
            return new Lease(l.id(), l.tokenAccessor(), l.engine(), l.issuedAt(), now, expiry, l.maxExpiresAt(),
                    l.renewable());
        });
    }

    private ObjectNode revokeData(Connection c, String id) throws SQLException {
        byte[] sealed;
        try (PreparedStatement ps = c.prepareStatement("SELECT revoke_data FROM secrets_leases WHERE lease_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw VaultError.badRequest("lease not found or lease is not renewable");
                }
                sealed = rs.getBytes(1);
            }
        }
        return open(sealed, id);
    }

    private ObjectNode open(byte[] sealed, String id) {
        byte[] plain = barrier.decrypt(sealed, aad(id));
        try {
            return (ObjectNode) VaultJson.MAPPER.readTree(plain);
        } catch (IOException e) {
            throw new IllegalStateException("stored lease revocation data is malformed", e);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    /** Revokes one lease; a lease that is already gone is not an error (idempotent). */
    boolean revoke(String id) {
        record Row(String engine, byte[] data) {
        }
        Row row = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT engine, revoke_data FROM secrets_leases WHERE lease_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Row(rs.getString(1), rs.getBytes(2)) : null;
                }
            }
        });
        if (row == null) {
            return false;
        }
        Revoker revoker = revokers.get(row.engine());
        if (revoker != null) {
            revoker.revoke(open(row.data(), id));
        }
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM secrets_leases WHERE lease_id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate();
            }
        });
        LOG.atInfo().addKeyValue("leaseId", id).addKeyValue("engine", row.engine()).log("lease revoked");
        return true;
    }

    int revokePrefix(String prefix) {
        String like = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        return revokeWhere("lease_id LIKE ? ESCAPE '!'", like);
    }

    int revokeByToken(String accessor) {
        return revokeWhere("token_accessor = ?", accessor);
    }

    /** Revokes up to {@code limit} expired leases, oldest expiry first. */
    int reapExpired(int limit) {
        List<String> ids = store.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT lease_id FROM secrets_leases WHERE expires_at <= ?"
                    + " ORDER BY expires_at FETCH FIRST " + limit + " ROWS ONLY")) {
                SqlValues.bind(ps, 1, clock.instant());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
        int n = 0;
        for (String id : ids) {
            try {
                n += revoke(id) ? 1 : 0;
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("leaseId", id).addKeyValue("error", e.getClass().getSimpleName())
                        .log("expired lease could not be revoked; will retry");
            }
        }
        return n;
    }

    private int revokeWhere(String condition, String value) {
        int total = 0;
        while (true) {
            List<String> ids = store.inTransaction(c -> {
                List<String> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT lease_id FROM secrets_leases WHERE " + condition
                        + " ORDER BY lease_id FETCH FIRST " + BATCH + " ROWS ONLY")) {
                    ps.setString(1, value);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
                return out;
            });
            for (String id : ids) {
                revoke(id);
            }
            total += ids.size();
            if (ids.size() < BATCH) {
                return total;
            }
        }
    }

    List<String> list(String prefix) {
        return store.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT lease_id FROM secrets_leases WHERE lease_id LIKE ?"
                    + " ESCAPE '!' ORDER BY lease_id FETCH FIRST 10000 ROWS ONLY")) {
                ps.setString(1, prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String rest = rs.getString(1).substring(prefix.length());
                        int slash = rest.indexOf('/');
                        String k = slash < 0 ? rest : rest.substring(0, slash + 1);
                        if (out.isEmpty() || !out.getLast().equals(k)) {
                            out.add(k);
                        }
                    }
                }
            }
            return out;
        });
    }

    private static byte[] aad(String id) {
        return ("aegis/secrets/lease/v1/" + id).getBytes(StandardCharsets.UTF_8);
    }
}
