package dev.aegis.identity.internal;

import dev.aegis.core.api.jwt.JwtClaims;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Token exchange (RFC 8693 §2): a service holding a user's access token gets a new one for exactly one
 * downstream audience it is registered for, with the scope narrowed to a subset of both the subject token's
 * and its own, and an {@code act} claim (§4.1) naming itself, nested over any earlier actors, so the downstream
 * service sees the whole delegation chain (the fix for the confused deputy). The new token never outlives the
 * subject token. The subject token must be addressed to the exchanging client ({@code aud}), so only the
 * service a token was meant for can trade it in. An {@code actor_token}, when sent, must be a valid access token
 * whose {@code sub} is the requesting client.
 *
 * <p>Thread-safe.
 */
public final class ExchangeGrant {

    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";

    private final TokenService tokens;
    private final Clock clock;

    public ExchangeGrant(TokenService tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    GrantOutcome handle(TokenRequest request) {
        Form form = request.form();
        String subjectToken = form.value("subject_token");
        String subjectType = form.value("subject_token_type");
        if (subjectToken == null || subjectType == null) {
            return GrantOutcome.deny(OAuthError.invalidRequest("subject_token and subject_token_type are required."),
                    "missing subject token");
        }
        if (!ACCESS_TOKEN_TYPE.equals(subjectType) && !JWT_TYPE.equals(subjectType)) {
            return GrantOutcome.deny(OAuthError.invalidRequest("Unsupported subject_token_type."), "subject token type");
        }
        String requestedType = form.value("requested_token_type");
        if (requestedType != null && !ACCESS_TOKEN_TYPE.equals(requestedType)) {
            return GrantOutcome.deny(OAuthError.invalidRequest("Only access tokens can be requested."), "requested type");
        }
        if (!(tokens.checkAccessToken(subjectToken) instanceof TokenService.Active subject)) {
            return GrantOutcome.deny(OAuthError.invalidGrant("The subject token is invalid."), "subject token inactive");
        }
        ClientRecord client = request.client();
        if (!subject.claims().audience().contains(client.clientId())) {
            // Only the service a token was issued to may trade it in: a token stolen by (or leaked to) another
            // service cannot be exchanged there.
            return GrantOutcome.deny(OAuthError.invalidGrant("The subject token was not issued to this client."),
                    "subject token audience does not name the client");
        }
        String actorToken = form.value("actor_token");
        if (actorToken != null && form.value("actor_token_type") == null) {
            return GrantOutcome.deny(OAuthError.invalidRequest("actor_token_type is required with actor_token (RFC 8693 §2.1)."),
                    "actor token type missing");
        }
        if (actorToken != null) {
            if (!(tokens.checkAccessToken(actorToken) instanceof TokenService.Active actor)
                    || !client.clientId().equals(actor.claims().subject().orElse(null))) {
                return GrantOutcome.deny(OAuthError.invalidGrant("The actor token is invalid."), "actor token invalid");
            }
        }
        String audienceParam = form.value("audience") != null ? form.value("audience") : form.value("resource");
        if (audienceParam == null || !client.audiences().contains(audienceParam)) {
            return GrantOutcome.deny(new OAuthError(400, "invalid_target", "The audience is missing or not allowed for this client."),
                    "invalid target");
        }
        Set<String> available = new LinkedHashSet<>(Scopes.parse(subject.claims().stringClaim("scope").orElse("")));
        available.retainAll(client.scopes());
        Set<String> scope = Audiences.scope(form, available);
        if (scope == null) {
            return GrantOutcome.deny(OAuthError.invalidScope("The scope must narrow the subject token's scope."), "scope widened");
        }
        Instant subjectExp = subject.claims().expiresAt().orElseThrow();
        Duration ttl = Duration.between(clock.instant(), subjectExp);
        if (ttl.compareTo(client.accessTokenTtl()) > 0) {
            ttl = client.accessTokenTtl();
        }
        if (ttl.toSeconds() < 1) {
            return GrantOutcome.deny(OAuthError.invalidGrant("The subject token is about to expire."), "subject expiring");
        }
        TokenService.Issued issued = tokens.issueAccessToken(new TokenService.AccessGrant(
                subject.claims().subject().orElseThrow(), client.clientId(), scope, List.of(audienceParam), ttl,
                null, request.dpopJkt(), request.x5t(), actChain(client.clientId(), subject.claims()), null));
        return new GrantOutcome.Granted(new TokenResponse(issued, request.dpopJkt() != null ? "DPoP" : "Bearer", scope,
                null, null, ACCESS_TOKEN_TYPE));
    }

    /** RFC 8693 §4.1: the current actor first, earlier actors nested under {@code act}. */
    static Map<String, Object> actChain(String actor, JwtClaims subject) {
        Map<String, Object> act = new LinkedHashMap<>();
        act.put("sub", actor);
        subject.claim("act").ifPresent(previous -> act.put("act", previous));
        return act;
    }
}
