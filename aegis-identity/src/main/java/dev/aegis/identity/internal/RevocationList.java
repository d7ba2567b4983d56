package dev.aegis.identity.internal;

import dev.aegis.identity.api.RevocationPublisher;
import dev.aegis.store.api.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The revoked JWT access tokens (RFC 7009 §2): durable in {@code idp_revoked_tokens}, held in memory for the
 * introspection and userinfo hot paths, and announced through the {@link RevocationPublisher}. Entries are
 * dropped once the token has expired anyway. Revocations made on other nodes arrive through
 * {@link #learn(String, Instant)} (the event stream), and every start reloads the unexpired ones.
 *
 * <p>Thread-safe.
 */
public final class RevocationList {

    private final Store store;
    private final Clock clock;
    private final RevocationPublisher publisher;
    private final ConcurrentHashMap<String, Long> revoked = new ConcurrentHashMap<>();
    private final AtomicLong lastPurge = new AtomicLong();

    public RevocationList(Store store, Clock clock, RevocationPublisher publisher) {
        this.store = store;
        this.clock = clock;
        this.publisher = publisher;
        load();
    }

    private void load() {
        Instant now = clock.instant();
        store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT jti, expires_at FROM idp_revoked_tokens WHERE expires_at > ?")) {
                Rows.setInstant(s, 1, now);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        revoked.put(r.getString(1), Rows.instant(r, "expires_at").getEpochSecond());
                    }
                }
            }
            return null;
        });
    }

    /**
     * Revokes a token durably, then publishes it.
     *
     * @return false if it was already revoked
     */
    public boolean revoke(String jti, Instant expiresAt, String clientId) {
        Instant now = clock.instant();
        int inserted = store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO idp_revoked_tokens (jti, client_id, expires_at, "
                    + "revoked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, jti);
                s.setString(2, clientId);
                Rows.setInstant(s, 3, expiresAt);
                Rows.setInstant(s, 4, now);
                return s.executeUpdate();
            }
        });
        revoked.put(jti, expiresAt.getEpochSecond());
        if (inserted > 0) {
            publisher.tokenRevoked(jti, expiresAt, clientId);
        }
        purgeExpired(now);
        return inserted > 0;
    }

    /** A revocation learned from another node through the event stream. */
    public void learn(String jti, Instant expiresAt) {
        revoked.put(jti, expiresAt.getEpochSecond());
    }

    /** @return whether the token with this jti is revoked */
    public boolean isRevoked(String jti) {
        return revoked.containsKey(jti);
    }

    private void purgeExpired(Instant now) {
        long seconds = now.getEpochSecond();
        long last = lastPurge.get();
        if (seconds - last < 60 || !lastPurge.compareAndSet(last, seconds)) {
            return;
        }
        for (Iterator<Map.Entry<String, Long>> it = revoked.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() < seconds - 300) { // keep past the largest verifier clock skew
                it.remove();
            }
        }
        store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM idp_revoked_tokens WHERE expires_at < ?")) {
                Rows.setInstant(s, 1, now.minusSeconds(300));
                return s.executeUpdate();
            }
        });
    }
}
