package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Browser sessions at the identity provider ({@code idp_sessions}; the cookie carries a 256-bit id, the
 * database its fingerprint) and the consents users gave to third-party clients ({@code idp_consents}).
 *
 * <p>Thread-safe.
 */
public final class Sessions {

    private final Store store;
    private final HmacFingerprint pepper;
    private final Clock clock;
    private final Duration lifetime;

    /** A live session. */
    public record Session(String userId, Instant authTime) {
    }

    public Sessions(Store store, HmacFingerprint pepper, Clock clock, Duration lifetime) {
        this.store = store;
        this.pepper = pepper;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    Duration lifetime() {
        return lifetime;
    }

    /** @return the clear session id for the cookie */
    public String create(String userId, Instant authTime) {
        String id = SecureIds.token(32);
        Instant now = clock.instant();
        store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO idp_sessions (session_hash, user_id, auth_time, expires_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, pepper.of(id));
                s.setString(2, userId);
                Rows.setInstant(s, 3, authTime);
                Rows.setInstant(s, 4, now.plus(lifetime));
                return s.executeUpdate();
            }
        });
        return id;
    }

    /** @return the session, or null when unknown or expired */
    public Session find(String id) {
        if (id == null || id.length() != 43) {
            return null;
        }
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT user_id, auth_time, expires_at FROM idp_sessions WHERE session_hash = ?")) {
                s.setString(1, pepper.of(id));
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next() || !now.isBefore(Rows.instant(r, "expires_at"))) {
                        return null;
                    }
                    return new Session(r.getString(1), Rows.instant(r, "auth_time"));
                }
            }
        });
    }

    /** Ends a session (logout). */
    public void delete(String id) {
        if (id == null || id.length() != 43) {
            return;
        }
        store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM idp_sessions WHERE session_hash = ?")) {
                s.setString(1, pepper.of(id));
                return s.executeUpdate();
            }
        });
    }

    /** @return whether the user consented to at least this scope for the client */
    public boolean consented(String userId, String clientId, Set<String> scope) {
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT scope FROM idp_consents WHERE user_id = ? AND client_id = ?")) {
                s.setString(1, userId);
                s.setString(2, clientId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() && Rows.set(r.getString(1)).containsAll(scope);
                }
            }
        });
    }

    /** Records (or widens) a consent. */
    public void consent(String userId, String clientId, Set<String> scope) {
        Instant now = clock.instant();
        store.inTransaction(c -> {
            Set<String> merged = new java.util.LinkedHashSet<>(scope);
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT scope FROM idp_consents WHERE user_id = ? AND client_id = ? FOR UPDATE")) {
                s.setString(1, userId);
                s.setString(2, clientId);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        merged.addAll(Rows.set(r.getString(1)));
                    }
                }
            }
            try (PreparedStatement d = c.prepareStatement("DELETE FROM idp_consents WHERE user_id = ? AND client_id = ?")) {
                d.setString(1, userId);
                d.setString(2, clientId);
                d.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO idp_consents (user_id, client_id, scope, granted_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, userId);
                s.setString(2, clientId);
                s.setString(3, Scopes.join(merged));
                Rows.setInstant(s, 4, now);
                return s.executeUpdate();
            }
        });
    }
}
