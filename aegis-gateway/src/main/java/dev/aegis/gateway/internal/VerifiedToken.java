package dev.aegis.gateway.internal;

import dev.aegis.core.api.jwt.JwtClaims;
import java.util.Set;

/**
 * A token that passed full verification, as kept in the {@link ClaimsCache}: what the per-request checks
 * need, precomputed once. {@code jti}, {@code clientId}, {@code jkt}, {@code x5t} may be {@code null}.
 *
 * @param issuerName the configured issuer it was verified against
 * @param claims     the verified claims
 * @param expMillis  {@code exp} in epoch milliseconds
 * @param subject    {@code sub} (or "" if absent)
 * @param jti        {@code jti}
 * @param clientId   {@code client_id} or {@code azp}
 * @param scopes     from {@code scope} (space separated, RFC 9068 §2.2.3) or {@code scp}
 * @param roles      from {@code roles} (RFC 9068 §7.2.1) or Keycloak's {@code realm_access.roles}
 * @param jkt        {@code cnf.jkt}: DPoP-bound (RFC 9449 §6.1)
 * @param x5t        {@code cnf.x5t#S256}: certificate-bound (RFC 8705 §3.1)
 */
record VerifiedToken(String issuerName, JwtClaims claims, long expMillis, String subject, String jti, String clientId,
                     Set<String> scopes, Set<String> roles, String jkt, String x5t) {

    boolean senderConstrained() {
        return jkt != null || x5t != null;
    }
}
