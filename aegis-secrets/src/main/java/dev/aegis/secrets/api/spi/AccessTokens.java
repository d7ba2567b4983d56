package dev.aegis.secrets.api.spi;

import dev.aegis.core.api.jwt.JwtClaims;
import java.util.Optional;

/**
 * The access tokens of this Aegis platform as the {@code aegis} auth method ({@code auth/<mount>/login}) sees them:
 * the platform checks what only it knows (the signature by its token keys, {@code typ at+jwt}, the lifetime, that
 * its own identity provider issued the token, that it was not revoked) and hands back the claims; the secrets
 * manager then checks the audience, subject and scopes a role binds and maps the login to the role's policies.
 *
 * <p>Implementations must be thread-safe and must never log the token.
 */
@FunctionalInterface
public interface AccessTokens {

    /** No identity provider: the {@code aegis} auth method accepts no login. */
    AccessTokens NONE = token -> Optional.empty();

    /**
     * @param token a compact JWS as the client presented it
     * @return the verified claims, or empty when the token is not a valid, current access token of this platform
     */
    Optional<JwtClaims> verify(String token);
}
