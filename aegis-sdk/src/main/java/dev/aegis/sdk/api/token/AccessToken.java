package dev.aegis.sdk.api.token;

import dev.aegis.core.api.jwt.JwtClaims;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A verified JWT access token (RFC 9068) as a service sees it: who it is for, which client holds it, what it
 * may do. Only {@link AccessTokenVerifier} creates one, after every check passed.
 *
 * <p>Immutable; thread-safe.
 */
public final class AccessToken {
    private final JwtClaims claims;
    private final String subject;
    private final String clientId;
    private final String jwtId;
    private final Instant expiresAt;
    private final Set<String> scopes;
    private final Set<String> roles;

    AccessToken(JwtClaims claims, String jwtId, Instant expiresAt) {
        this.claims = claims;
        this.subject = claims.subject().orElse("");
        this.clientId = claims.stringClaim("client_id").orElse("");
        this.jwtId = jwtId;
        this.expiresAt = expiresAt;
        this.scopes = Set.of(splitScope(claims.stringClaim("scope").orElse("")));
        this.roles = Set.copyOf(strings(claims.claim("roles").orElse(List.of())));
    }

    /** @return {@code sub}: the user, or the client for client-credentials tokens; empty string if absent */
    public String subject() {
        return subject;
    }

    /** @return {@code client_id} (RFC 9068 §2.2) */
    public String clientId() {
        return clientId;
    }

    /** @return {@code jti} */
    public String jwtId() {
        return jwtId;
    }

    /** @return {@code exp} */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** @return the granted scopes ({@code scope}, RFC 9068 §2.2.3) */
    public Set<String> scopes() {
        return scopes;
    }

    /** @return the user's roles ({@code roles}, RFC 9068 §2.2.3.1); empty for service tokens */
    public Set<String> roles() {
        return roles;
    }

    /** @return whether every one of {@code required} was granted */
    public boolean hasScopes(Collection<String> required) {
        return scopes.containsAll(required);
    }

    /** @return whether the user has every one of {@code required} */
    public boolean hasRoles(Collection<String> required) {
        return roles.containsAll(required);
    }

    /** @return the JWK thumbprint the token is bound to ({@code cnf.jkt}, RFC 9449 §6), if DPoP-bound */
    public Optional<String> dpopThumbprint() {
        return cnfMember("jkt");
    }

    /** @return the certificate thumbprint the token is bound to ({@code cnf.x5t#S256}, RFC 8705 §3.1), if any */
    public Optional<String> certificateThumbprint() {
        return cnfMember("x5t#S256");
    }

    /** @return every verified claim */
    public JwtClaims claims() {
        return claims;
    }

    private Optional<String> cnfMember(String name) {
        Optional<Object> cnf = claims.claim("cnf");
        if (cnf.isPresent() && cnf.get() instanceof java.util.Map<?, ?> map && map.get(name) instanceof String s) {
            return Optional.of(s);
        }
        return Optional.empty();
    }

    private static String[] splitScope(String scope) {
        String trimmed = scope.strip();
        return trimmed.isEmpty() ? new String[0] : java.util.Arrays.stream(trimmed.split(" +")).distinct().toArray(String[]::new);
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }

    @Override
    public String toString() {
        return "AccessToken[sub=" + subject + ", client_id=" + clientId + ", jti=" + jwtId + ", scope=" + scopes + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessToken t && jwtId.equals(t.jwtId) && Objects.equals(subject, t.subject);
    }

    @Override
    public int hashCode() {
        return jwtId.hashCode();
    }
}
