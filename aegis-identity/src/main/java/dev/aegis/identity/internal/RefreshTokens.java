package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Refresh tokens (RFC 6749 §6): opaque 256-bit values, stored only as HMAC fingerprints, rotated on every use
 * (OAuth 2.0 Security BCP, RFC 9700 §4.14.2). All rotations of one grant form a family; presenting a token
 * that was already used means it was stolen (or the client is broken), and the whole family is revoked,
 * together with the access tokens it issued. Rotation runs in one transaction under a row lock, so two
 * concurrent uses of one token cannot both succeed.
 *
 * <p>Thread-safe.
 */
public final class RefreshTokens {

    private static final String PREFIX = "aegis_rt_";

    private final Store store;
    private final HmacFingerprint pepper;
    private final Clock clock;

    /** A stored refresh token's grant. */
    public record Grant(String familyId, String clientId, String userId, Set<String> scope, Instant authTime,
                        String cnfJkt, Instant expiresAt) {
    }

    /** The outcome of presenting a refresh token. */
    public sealed interface Use permits Rotated, Reused, Invalid {
    }

    /** @param grant the grant it carried; @param newToken its successor in the family, clear text */
    public record Rotated(Grant grant, String newToken, String newHash) implements Use {
    }

    /** A used token was presented again: the family is now revoked. @param accessJtis access tokens to revoke */
    public record Reused(String familyId, String userId, List<RevokedAccess> accessJtis) implements Use {
    }

    /** @param reason for audit only */
    public record Invalid(String reason) implements Use {
    }

    /** An access token issued from a revoked family. */
    public record RevokedAccess(String jti, Instant expiresAt) {
    }

    public RefreshTokens(Store store, HmacFingerprint pepper, Clock clock) {
        this.store = store;
        this.pepper = pepper;
        this.clock = clock;
    }

    /** Creates the first token of a new family. @return the clear token */
    public String issue(String clientId, String userId, Set<String> scope, Instant authTime, String cnfJkt, Duration ttl,
                        String familyId) {
        String token = PREFIX + SecureIds.token(32);
        String hash = pepper.of(token);
        store.inTransaction(c -> {
            insert(c, hash, familyId, clientId, userId, scope, authTime, cnfJkt, clock.instant().plus(ttl));
            return null;
        });
        return token;
    }

    /** @return a new family id */
    public static String newFamily() {
        return SecureIds.newId();
    }

    /** Remembers the access token issued with a refresh token, so revoking the family revokes it too. */
    public void recordAccessToken(String tokenHash, String jti, Instant exp) {
        store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE idp_refresh_tokens SET access_jti = ?, access_exp = ? WHERE token_hash = ?")) {
                s.setString(1, jti);
                Rows.setInstant(s, 2, exp);
                s.setString(3, tokenHash);
                return s.executeUpdate();
            }
        });
    }

    /** @return the fingerprint of a token (for {@link #recordAccessToken}) */
    public String hash(String token) {
        return pepper.of(token);
    }

    /**
     * Presents a refresh token: rotates it (marks it used, creates its successor in the same family) or, on
     * reuse, revokes the family.
     */
    public Use use(String token, String clientId, Duration ttl) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 128) {
            return new Invalid("malformed refresh token");
        }
        String hash = pepper.of(token);
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            Grant grant;
            Instant usedAt;
            Instant revokedAt;
            try (PreparedStatement s = c.prepareStatement("SELECT family_id, client_id, user_id, scope, auth_time, cnf_jkt, "
                    + "expires_at, used_at, revoked_at FROM idp_refresh_tokens WHERE token_hash = ? FOR UPDATE")) {
                s.setString(1, hash);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return new Invalid("unknown refresh token");
                    }
                    grant = new Grant(r.getString("family_id"), r.getString("client_id"), r.getString("user_id"),
                            Rows.set(r.getString("scope")), Rows.instant(r, "auth_time"), r.getString("cnf_jkt"),
                            Rows.instant(r, "expires_at"));
                    usedAt = Rows.instant(r, "used_at");
                    revokedAt = Rows.instant(r, "revoked_at");
                }
            }
            if (!grant.clientId().equals(clientId)) {
                return new Invalid("refresh token issued to another client");
            }
            if (revokedAt != null) {
                return new Invalid("refresh token family revoked");
            }
            if (usedAt != null) {
                return new Reused(grant.familyId(), grant.userId(), revokeFamily(c, grant.familyId(), now));
            }
            if (!now.isBefore(grant.expiresAt())) {
                return new Invalid("refresh token expired");
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE idp_refresh_tokens SET used_at = ? WHERE token_hash = ?")) {
                Rows.setInstant(s, 1, now);
                s.setString(2, hash);
                s.executeUpdate();
            }
            String next = PREFIX + SecureIds.token(32);
            String nextHash = pepper.of(next);
            insert(c, nextHash, grant.familyId(), clientId, grant.userId(), grant.scope(), grant.authTime(), grant.cnfJkt(),
                    now.plus(ttl));
            return new Rotated(grant, next, nextHash);
        });
    }

    /**
     * Revokes the family of a token presented for revocation (RFC 7009 §2.1: only by the client it was issued to).
     *
     * @return the access tokens issued from the family, or {@code null} when the token is unknown or not the client's
     */
    public List<RevokedAccess> revoke(String token, String clientId) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 128) {
            return null;
        }
        String hash = pepper.of(token);
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            String family;
            try (PreparedStatement s = c.prepareStatement("SELECT family_id, client_id FROM idp_refresh_tokens WHERE token_hash = ?")) {
                s.setString(1, hash);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next() || !r.getString(2).equals(clientId)) {
                        return null;
                    }
                    family = r.getString(1);
                }
            }
            return revokeFamily(c, family, now);
        });
    }

    /** Revokes a whole family by id (authorization code replay). */
    public List<RevokedAccess> revokeFamily(String familyId) {
        Instant now = clock.instant();
        return store.inTransaction(c -> revokeFamily(c, familyId, now));
    }

    /** @return the grant of an active (unused, unrevoked, unexpired) token, for introspection; null otherwise */
    public Grant active(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 128) {
            return null;
        }
        String hash = pepper.of(token);
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT family_id, client_id, user_id, scope, auth_time, cnf_jkt, "
                    + "expires_at FROM idp_refresh_tokens WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL")) {
                s.setString(1, hash);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return null;
                    }
                    Grant g = new Grant(r.getString("family_id"), r.getString("client_id"), r.getString("user_id"),
                            Rows.set(r.getString("scope")), Rows.instant(r, "auth_time"), r.getString("cnf_jkt"),
                            Rows.instant(r, "expires_at"));
                    return now.isBefore(g.expiresAt()) ? g : null;
                }
            }
        });
    }

    private static List<RevokedAccess> revokeFamily(Connection c, String familyId, Instant now) throws SQLException {
        List<RevokedAccess> access = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT access_jti, access_exp FROM idp_refresh_tokens WHERE family_id = ? AND access_jti IS NOT NULL")) {
            s.setString(1, familyId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Instant exp = Rows.instant(r, "access_exp");
                    if (exp.isAfter(now)) {
                        access.add(new RevokedAccess(r.getString(1), exp));
                    }
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE idp_refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL")) {
            Rows.setInstant(s, 1, now);
            s.setString(2, familyId);
            s.executeUpdate();
        }
        return access;
    }

    private static void insert(Connection c, String hash, String familyId, String clientId, String userId, Set<String> scope,
                               Instant authTime, String cnfJkt, Instant expiresAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO idp_refresh_tokens (token_hash, family_id, client_id, "
                + "user_id, scope, auth_time, cnf_jkt, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, hash);
            s.setString(2, familyId);
            s.setString(3, clientId);
            s.setString(4, userId);
            s.setString(5, Scopes.join(scope));
            Rows.setInstant(s, 6, authTime);
            s.setString(7, cnfJkt);
            Rows.setInstant(s, 8, Instant.now());
            Rows.setInstant(s, 9, expiresAt);
            s.executeUpdate();
        }
    }
}
