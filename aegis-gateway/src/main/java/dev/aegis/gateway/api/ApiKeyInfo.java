package dev.aegis.gateway.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What is stored about one API key, never the key itself (only its keyed hash, which this record does not
 * carry either). Safe to log and to return from the admin API.
 *
 * @param keyId       the visible id (part of the key after {@link ApiKeyRegistry#PREFIX}); logged and audited
 * @param consumer    who holds it
 * @param routes      route ids it may call; {@code *} = every route
 * @param methods     HTTP methods it may use; {@code *} = every method
 * @param limitMax    per-key requests per {@code limitWindow}; 0 = no per-key limit
 * @param limitWindow the per-key window
 * @param createdAt   creation time
 * @param expiresAt   expiry, or {@code null} for none
 * @param revokedAt   revocation time, or {@code null} while not revoked
 */
public record ApiKeyInfo(String keyId, String consumer, Set<String> routes, Set<String> methods, int limitMax,
                         Duration limitWindow, Instant createdAt, Instant expiresAt, Instant revokedAt) {

    /** Validates and copies. */
    public ApiKeyInfo {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(consumer, "consumer");
        routes = Set.copyOf(routes);
        methods = Set.copyOf(methods);
        Objects.requireNonNull(limitWindow, "limitWindow");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** @return whether the key can be used at {@code now} */
    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** @return whether the key may call {@code routeId} with {@code method} */
    public boolean permits(String routeId, String method) {
        return (routes.contains("*") || routes.contains(routeId)) && (methods.contains("*") || methods.contains(method));
    }
}
