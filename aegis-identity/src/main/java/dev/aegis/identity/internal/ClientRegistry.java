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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients and service accounts in {@code idp_clients}, with a read cache for the token endpoint: a client
 * is read from the database at most once per {@link #CACHE_TTL} per node, so the hot path is a map lookup. A
 * change made on this node takes effect at once; one made on another cluster node within the TTL.
 *
 * <p>Thread-safe.
 */
public final class ClientRegistry {

    /** How long a cached client is trusted before it is read again (bounds staleness across cluster nodes). */
    static final Duration CACHE_TTL = Duration.ofSeconds(5);
    private static final int MAX_CACHED = 10_000;
    private static final String COLUMNS = "client_id, client_name, client_type, auth_method, secret_hash, grant_types, "
            + "scopes, redirect_uris, audiences, access_token_ttl_seconds, refresh_token_ttl_seconds, first_party, "
            + "require_dpop, jwks, post_logout_redirect_uris";

    private final Store store;
    private final HmacFingerprint pepper;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(ClientRecord client, long loadedAtNanos) {
    }

    /** A client just created, with its secret in clear text (shown once) when it has one. */
    public record Created(ClientRecord client, Optional<String> secret) {
    }

    public ClientRegistry(Store store, HmacFingerprint pepper, Clock clock) {
        this.store = store;
        this.pepper = pepper;
        this.clock = clock;
    }

    /**
     * A new 256-bit secret for a client using a secret method.
     *
     * @return the secret in clear text, never stored
     */
    public static String newSecret() {
        return SecureIds.token(32);
    }

    /** @return the HMAC fingerprint under the identity pepper */
    public String fingerprint(String secret) {
        return pepper.of(secret);
    }

    /**
     * Inserts a client.
     *
     * @return empty if the client id is taken
     */
    public Optional<ClientRecord> insert(ClientRecord client) {
        boolean inserted = store.inTransaction(c -> {
            if (find(c, client.clientId()).isPresent()) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO idp_clients (" + COLUMNS
                    + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, client.clientId());
                s.setString(2, client.name());
                s.setString(3, client.confidential() ? "confidential" : "public");
                s.setString(4, client.authMethod());
                s.setString(5, client.secretHash().orElse(null));
                s.setString(6, Rows.joinList(client.grantTypes()));
                s.setString(7, Rows.joinList(client.scopes()));
                s.setString(8, Rows.joinList(client.redirectUris()));
                s.setString(9, Rows.joinList(client.audiences()));
                s.setLong(10, client.accessTokenTtl().toSeconds());
                s.setLong(11, client.refreshTokenTtl().toSeconds());
                s.setBoolean(12, client.firstParty());
                s.setBoolean(13, client.requireDpop());
                s.setString(14, client.jwks().orElse(null));
                s.setString(15, Rows.joinList(client.postLogoutRedirectUris()));
                Rows.setInstant(s, 16, clock.instant());
                s.executeUpdate();
            }
            return true;
        });
        if (!inserted) {
            return Optional.empty();
        }
        cache.remove(client.clientId());
        return Optional.of(client);
    }

    /** @return whether a client was deleted */
    public boolean delete(String clientId) {
        int n = store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM idp_clients WHERE client_id = ?")) {
                s.setString(1, clientId);
                return s.executeUpdate();
            }
        });
        cache.remove(clientId);
        return n > 0;
    }

    /** Replaces the secret hash of a client (secret rotation). @return whether the client exists and uses a secret */
    public boolean replaceSecretHash(String clientId, String secretHash) {
        int n = store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE idp_clients SET secret_hash = ? WHERE client_id = ? AND secret_hash IS NOT NULL")) {
                s.setString(1, secretHash);
                s.setString(2, clientId);
                return s.executeUpdate();
            }
        });
        cache.remove(clientId);
        return n > 0;
    }

    /**
     * The hot-path lookup: cached for {@link #CACHE_TTL}.
     *
     * @param clientId a client id (unvalidated input)
     * @return the client, empty when unknown or malformed
     */
    public Optional<ClientRecord> find(String clientId) {
        if (!ClientRecord.validClientId(clientId)) {
            return Optional.empty();
        }
        Cached cached = cache.get(clientId);
        long now = System.nanoTime();
        if (cached != null && now - cached.loadedAtNanos() < CACHE_TTL.toNanos()) {
            return Optional.of(cached.client());
        }
        Optional<ClientRecord> loaded = store.inTransaction(c -> find(c, clientId));
        if (loaded.isPresent()) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(clientId, new Cached(loaded.get(), now));
        } else {
            cache.remove(clientId);
        }
        return loaded;
    }

    /** @return every client, ordered by id */
    public List<ClientRecord> list() {
        return store.inTransaction(c -> {
            List<ClientRecord> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM idp_clients ORDER BY client_id");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(read(r));
                }
            }
            return out;
        });
    }

    private static Optional<ClientRecord> find(Connection c, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM idp_clients WHERE client_id = ?")) {
            s.setString(1, clientId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        }
    }

    private static ClientRecord read(ResultSet r) throws SQLException {
        return new ClientRecord(r.getString("client_id"), r.getString("client_name"),
                "confidential".equals(r.getString("client_type")), r.getString("auth_method"),
                Optional.ofNullable(r.getString("secret_hash")), Rows.set(r.getString("grant_types")),
                Rows.set(r.getString("scopes")), Rows.list(r.getString("redirect_uris")),
                Rows.list(r.getString("audiences")), Duration.ofSeconds(r.getLong("access_token_ttl_seconds")),
                Duration.ofSeconds(r.getLong("refresh_token_ttl_seconds")), r.getBoolean("first_party"),
                r.getBoolean("require_dpop"), Optional.ofNullable(r.getString("jwks")),
                Rows.list(r.getString("post_logout_redirect_uris")));
    }
}
