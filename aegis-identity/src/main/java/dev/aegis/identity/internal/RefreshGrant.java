package dev.aegis.identity.internal;

import dev.aegis.audit.api.AuditDecision;
import java.util.Optional;
import java.util.Set;

/**
 * The refresh token grant (RFC 6749 §6) with rotation: every use returns a new refresh token and retires the
 * old one; reuse of a retired token revokes the whole family and its access tokens (RFC 9700 §4.14.2),
 * audited as {@code token.refresh_reuse}. The scope may only narrow (§6). A DPoP-bound refresh token of a
 * public client needs a proof with the same key (RFC 9449 §5).
 *
 * <p>Thread-safe.
 */
public final class RefreshGrant {

    private final RefreshTokens refresh;
    private final UserDirectory users;
    private final UserTokens issuer;
    private final IdentityAudit audit;

    public RefreshGrant(RefreshTokens refresh, UserDirectory users, UserTokens issuer, IdentityAudit audit) {
        this.refresh = refresh;
        this.users = users;
        this.issuer = issuer;
        this.audit = audit;
    }

    GrantOutcome handle(TokenRequest request) {
        String token = request.form().value("refresh_token");
        if (token == null) {
            return GrantOutcome.deny(OAuthError.invalidRequest("refresh_token is required."), "missing refresh_token");
        }
        ClientRecord client = request.client();
        RefreshTokens.Use use = refresh.use(token, client.clientId(), client.refreshTokenTtl());
        return switch (use) {
            case RefreshTokens.Invalid i -> GrantOutcome.deny(OAuthError.invalidGrant("The refresh token is invalid."), i.reason());
            case RefreshTokens.Reused r -> reused(request, r);
            case RefreshTokens.Rotated r -> rotated(request, r);
        };
    }

    private GrantOutcome rotated(TokenRequest request, RefreshTokens.Rotated rotated) {
        RefreshTokens.Grant grant = rotated.grant();
        if (grant.cnfJkt() != null && !request.client().confidential() && !grant.cnfJkt().equals(request.dpopJkt())) {
            refresh.revokeFamily(grant.familyId());
            return GrantOutcome.deny(new OAuthError(400, "invalid_dpop_proof", "The DPoP proof does not match the refresh token."),
                    "dpop key mismatch on refresh");
        }
        Set<String> scope = Audiences.scope(request.form(), grant.scope());
        if (scope == null) {
            return GrantOutcome.deny(OAuthError.invalidScope("The requested scope exceeds the original grant."), "scope widened");
        }
        Optional<UserRecord> user = users.byId(grant.userId());
        if (user.isEmpty() || user.get().disabled()) {
            refresh.revokeFamily(grant.familyId());
            return GrantOutcome.deny(OAuthError.invalidGrant("The refresh token is invalid."), "user gone or disabled");
        }
        UserTokens.Result result = issuer.issue(request, user.get(), scope, grant.authTime(), null, rotated.newToken(),
                rotated.newHash(), grant.familyId());
        return new GrantOutcome.Granted(result.response());
    }

    private GrantOutcome reused(TokenRequest request, RefreshTokens.Reused reused) {
        int revoked = issuer.revokeAccess(reused.accessJtis(), request.client().clientId());
        audit.record(IdentityAudit.event("token.refresh_reuse", AuditDecision.DENY).actor(request.client().clientId())
                .subject(reused.userId()).resource("/oauth2/token").sourceAddress(request.source())
                .reason("refresh token reused: family revoked").detail("family", reused.familyId())
                .detail("revoked_access_tokens", Integer.toString(revoked)));
        return GrantOutcome.deny(OAuthError.invalidGrant("The refresh token is invalid."), "refresh token reuse");
    }
}
