package dev.aegis.identity.api;

import java.time.Instant;

/**
 * Where the identity provider announces a revoked access token so gateways and SDKs drop it at once: the
 * platform event stream's {@code token.revoked} topic (subject = {@code jti}, attributes {@code exp} and
 * {@code client_id}). Called after the revocation is durable.
 *
 * <p>Implementations must be thread-safe and quick (they run on the request thread).
 */
@FunctionalInterface
public interface RevocationPublisher {

    /** Publishes nothing: for a single node without subscribers. */
    RevocationPublisher NONE = (jti, expiresAt, clientId) -> { };

    /**
     * @param jti       the revoked token's {@code jti}
     * @param expiresAt its {@code exp}: subscribers may forget it afterwards
     * @param clientId  the client it was issued to
     */
    void tokenRevoked(String jti, Instant expiresAt, String clientId);
}
