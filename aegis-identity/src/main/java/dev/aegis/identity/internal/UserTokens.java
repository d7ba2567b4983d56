package dev.aegis.identity.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Issues what a user-facing grant returns: a JWT access token, a refresh token (when the client may refresh)
 * in a new or the current family, and an ID token when {@code openid} was granted (OIDC Core §3.1.3.3).
 *
 * <p>Thread-safe.
 */
public final class UserTokens {

    static final Duration ID_TOKEN_TTL = Duration.ofMinutes(5);

    private final TokenService tokens;
    private final RefreshTokens refresh;
    private final RevocationList revocations;

    public UserTokens(TokenService tokens, RefreshTokens refresh, RevocationList revocations) {
        this.tokens = tokens;
        this.refresh = refresh;
        this.revocations = revocations;
    }

    /** The tokens and where their records are. */
    public record Result(TokenResponse response, String familyId) {
    }

    /**
     * @param refreshToken a refresh token already created by rotation (clear text), with its hash; null to create one
     * @param familyId     the family of a rotated token, or null for a new grant
     */
    public Result issue(TokenRequest request, UserRecord user, Set<String> scope, Instant authTime, String nonce,
                        String refreshToken, String refreshHash, String familyId) {
        ClientRecord client = request.client();
        List<String> audience = Audiences.resolve(request.form(), client, tokens.issuer());
        if (audience == null) {
            audience = client.audiences().isEmpty() ? List.of(tokens.issuer()) : List.of(client.audiences().getFirst());
        }
        TokenService.Issued access = tokens.issueAccessToken(new TokenService.AccessGrant(user.userId(), client.clientId(),
                scope, audience, client.accessTokenTtl(), authTime, request.dpopJkt(), request.x5t(), null, user));
        String rt = refreshToken;
        String rtHash = refreshHash;
        String family = familyId;
        if (rt == null && client.grantTypes().contains(GrantTypes.REFRESH_TOKEN)) {
            family = RefreshTokens.newFamily();
            rt = refresh.issue(client.clientId(), user.userId(), scope, authTime, request.dpopJkt(), client.refreshTokenTtl(),
                    family);
            rtHash = refresh.hash(rt);
        }
        if (rtHash != null) {
            refresh.recordAccessToken(rtHash, access.jti(), access.expiresAt());
        }
        String idToken = scope.contains(Scopes.OPENID)
                ? tokens.issueIdToken(user, client.clientId(), authTime, nonce, access.token(), scope, ID_TOKEN_TTL)
                : null;
        return new Result(new TokenResponse(access, request.dpopJkt() != null ? "DPoP" : "Bearer", scope, rt, idToken, null),
                family);
    }

    /** Revokes access tokens of a revoked family or replayed code. @return how many */
    public int revokeAccess(List<RefreshTokens.RevokedAccess> access, String clientId) {
        int n = 0;
        for (RefreshTokens.RevokedAccess a : access) {
            if (revocations.revoke(a.jti(), a.expiresAt(), clientId)) {
                n++;
            }
        }
        return n;
    }

    RefreshTokens refreshTokens() {
        return refresh;
    }

    RevocationList revocations() {
        return revocations;
    }
}
