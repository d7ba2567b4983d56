package dev.aegis.identity.internal;

import dev.aegis.audit.api.AuditDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The authorization code grant at the token endpoint (RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.5) and exact
 * {@code redirect_uri} matching. A replayed code is refused and everything the first redemption issued is
 * revoked (RFC 6749 §4.1.2, §10.5), audited as {@code token.code_replay}.
 *
 * <p>Thread-safe.
 */
public final class CodeGrant {

    private final AuthorizationCodes codes;
    private final UserDirectory users;
    private final UserTokens issuer;
    private final IdentityAudit audit;

    public CodeGrant(AuthorizationCodes codes, UserDirectory users, UserTokens issuer, IdentityAudit audit) {
        this.codes = codes;
        this.users = users;
        this.issuer = issuer;
        this.audit = audit;
    }

    GrantOutcome handle(TokenRequest request) {
        Form form = request.form();
        String redirectUri = form.value("redirect_uri");
        if (form.value("code") == null || redirectUri == null) {
            return GrantOutcome.deny(OAuthError.invalidRequest("code and redirect_uri are required."), "missing parameter");
        }
        String clientId = request.client().clientId();
        AuthorizationCodes.Redemption redemption = codes.redeem(form.value("code"), clientId, redirectUri,
                form.value("code_verifier"));
        return switch (redemption) {
            case AuthorizationCodes.Refused r -> GrantOutcome.deny(OAuthError.invalidGrant(r.description()), r.reason());
            case AuthorizationCodes.Replayed r -> replayed(request, r);
            case AuthorizationCodes.Redeemed r -> redeemed(request, r.code());
        };
    }

    private GrantOutcome redeemed(TokenRequest request, AuthorizationCodes.Code code) {
        Optional<UserRecord> user = users.byId(code.userId());
        if (user.isEmpty() || user.get().disabled()) {
            return GrantOutcome.deny(OAuthError.invalidGrant("The authorization code is invalid."), "user gone or disabled");
        }
        UserTokens.Result result = issuer.issue(request, user.get(), code.scope(), code.authTime(), code.nonce(), null,
                null, null);
        TokenService.Issued access = result.response().access();
        codes.recordIssued(code.hash(), access.jti(), access.expiresAt(), result.familyId());
        return new GrantOutcome.Granted(result.response());
    }

    private GrantOutcome replayed(TokenRequest request, AuthorizationCodes.Replayed replay) {
        List<RefreshTokens.RevokedAccess> access = new ArrayList<>();
        if (replay.familyId() != null) {
            access.addAll(issuer.refreshTokens().revokeFamily(replay.familyId()));
        }
        if (replay.issuedJti() != null && replay.issuedJtiExp() != null) {
            access.add(new RefreshTokens.RevokedAccess(replay.issuedJti(), replay.issuedJtiExp()));
        }
        int revoked = issuer.revokeAccess(access, replay.clientId());
        audit.record(IdentityAudit.event("token.code_replay", AuditDecision.DENY).actor(replay.clientId())
                .subject(replay.userId()).resource("/oauth2/token").sourceAddress(request.source())
                .reason("authorization code replayed").detail("revoked_access_tokens", Integer.toString(revoked))
                .detail("revoked_family", replay.familyId() == null ? "" : replay.familyId()));
        return GrantOutcome.deny(OAuthError.invalidGrant("The authorization code is invalid."), "code replay");
    }
}
