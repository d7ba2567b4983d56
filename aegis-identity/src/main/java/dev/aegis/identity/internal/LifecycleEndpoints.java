package dev.aegis.identity.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditDecision;
import dev.aegis.core.api.jwt.JwtClaims;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Token introspection (RFC 7662), revocation (RFC 7009) and the OIDC UserInfo endpoint (OIDC Core §5.3, with
 * DPoP-bound tokens per RFC 9449 §7). Introspection and revocation require client authentication; revocation
 * by a client other than the token's is answered 200 like an unknown token (RFC 7009 §2.2) and changes nothing.
 *
 * <p>Thread-safe.
 */
public final class LifecycleEndpoints {

    private final ClientAuthenticator authenticator;
    private final TokenService tokens;
    private final RefreshTokens refresh;
    private final RevocationList revocations;
    private final UserTokens userTokens;
    private final UserDirectory users;
    private final DpopProofs dpop;
    private final IdentityAudit audit;

    public LifecycleEndpoints(ClientAuthenticator authenticator, TokenService tokens, RefreshTokens refresh,
                              RevocationList revocations, UserTokens userTokens, UserDirectory users, DpopProofs dpop,
                              IdentityAudit audit) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.refresh = refresh;
        this.revocations = revocations;
        this.userTokens = userTokens;
        this.users = users;
        this.dpop = dpop;
        this.audit = audit;
    }

    private Form authenticatedForm(ServerRequest request, ServerResponse response, String path, ClientRecord[] client) {
        return authenticatedForm(request, response, path, client, true);
    }

    /** @param allowPublic whether a public client (identified, not authenticated) may call the endpoint */
    private Form authenticatedForm(ServerRequest request, ServerResponse response, String path, ClientRecord[] client,
                                   boolean allowPublic) {
        Form form = Http.form(request, response);
        if (form == null) {
            return null;
        }
        ClientAuthenticator.Result auth = authenticator.authenticate(request, form, tokens.issuer() + path);
        if (auth instanceof ClientAuthenticator.Failed f) {
            Http.error(response, f.error());
            return null;
        }
        ClientAuthenticator.Authenticated authenticated = (ClientAuthenticator.Authenticated) auth;
        if (!allowPublic && ClientRecord.NONE.equals(authenticated.method())) {
            // RFC 7662 §2.1: introspection needs an authenticated caller; a public client only names itself.
            Http.error(response, OAuthError.invalidClient());
            return null;
        }
        client[0] = authenticated.client();
        return form;
    }

    /** {@code POST /oauth2/introspect} (RFC 7662 §2). */
    public void introspect(ServerRequest request, ServerResponse response) {
        ClientRecord[] client = new ClientRecord[1];
        Form form = authenticatedForm(request, response, "/oauth2/introspect", client, false);
        if (form == null) {
            return;
        }
        String token = form.value("token");
        if (token == null) {
            Http.error(response, OAuthError.invalidRequest("token is required."));
            return;
        }
        ObjectNode body = Json.object();
        if (token.startsWith("aegis_rt_")) {
            RefreshTokens.Grant g = refresh.active(token);
            if (g != null && g.clientId().equals(client[0].clientId())) {
                body.put("active", true);
                body.put("client_id", g.clientId());
                body.put("sub", g.userId());
                body.put("scope", Scopes.join(g.scope()));
                body.put("exp", g.expiresAt().getEpochSecond());
                body.put("token_type", "refresh_token");
                body.put("iss", tokens.issuer());
            } else {
                body.put("active", false);
            }
        } else if (tokens.checkAccessToken(token) instanceof TokenService.Active active) {
            body.put("active", true);
            for (Map.Entry<String, Object> e : active.claims().asMap().entrySet()) {
                body.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
            }
            body.put("token_type", active.claims().claim("cnf").map(c -> ((Map<?, ?>) c).containsKey("jkt")).orElse(false)
                    ? "DPoP" : "Bearer");
        } else {
            body.put("active", false); // RFC 7662 §2.2: no reason is given
        }
        Http.json(response, 200, body.toString());
    }

    /** {@code POST /oauth2/revoke} (RFC 7009 §2). */
    public void revoke(ServerRequest request, ServerResponse response) {
        ClientRecord[] client = new ClientRecord[1];
        Form form = authenticatedForm(request, response, "/oauth2/revoke", client);
        if (form == null) {
            return;
        }
        String token = form.value("token");
        if (token == null) {
            Http.error(response, OAuthError.invalidRequest("token is required."));
            return;
        }
        String clientId = client[0].clientId();
        String kind = "unknown";
        String subject = null;
        String jti = null;
        int revokedAccess = 0;
        if (token.startsWith("aegis_rt_")) {
            List<RefreshTokens.RevokedAccess> access = refresh.revoke(token, clientId);
            if (access != null) {
                kind = "refresh_token";
                revokedAccess = userTokens.revokeAccess(access, clientId);
            }
        } else if (tokens.checkAccessToken(token) instanceof TokenService.Active active) {
            JwtClaims claims = active.claims();
            if (clientId.equals(claims.stringClaim("client_id").orElse(null))) {
                kind = "access_token";
                jti = claims.jwtId().orElseThrow();
                subject = claims.subject().orElse(null);
                revocations.revoke(jti, claims.expiresAt().orElseThrow(), clientId);
                revokedAccess = 1;
            }
        }
        var event = IdentityAudit.event("token.revoke", kind.equals("unknown") ? AuditDecision.INFO : AuditDecision.ALLOW)
                .actor(clientId).resource("/oauth2/revoke").sourceAddress(Http.source(request))
                .reason(kind.equals("unknown") ? "unknown, inactive or foreign token" : "revoked")
                .detail("token_kind", kind).detail("revoked_access_tokens", Integer.toString(revokedAccess));
        if (subject != null) {
            event.subject(subject);
        }
        if (jti != null) {
            event.detail("jti", jti);
        }
        if (!audit.record(event)) {
            Http.error(response, OAuthError.temporarilyUnavailable());
            return;
        }
        Http.json(response, 200, "{}");
    }

    /** {@code GET|POST /userinfo} (OIDC Core §5.3) with Bearer (RFC 6750) or DPoP (RFC 9449 §7) tokens. */
    public void userinfo(ServerRequest request, ServerResponse response) {
        Optional<String> authorization = request.headers().first(HeaderNames.AUTHORIZATION);
        String scheme = authorization.isPresent() && authorization.get().regionMatches(true, 0, "DPoP ", 0, 5) ? "DPoP" : "Bearer";
        if (authorization.isEmpty() || !(authorization.get().regionMatches(true, 0, "Bearer ", 0, 7) || scheme.equals("DPoP"))) {
            Http.bearerError(response, "Bearer", 401, null, null);
            return;
        }
        String token = authorization.get().substring(scheme.length() + 1).strip();
        if (!(tokens.checkAccessToken(token) instanceof TokenService.Active active)) {
            Http.bearerError(response, scheme, 401, "invalid_token", "The access token is invalid, expired or revoked.");
            return;
        }
        JwtClaims claims = active.claims();
        Object cnf = claims.claim("cnf").orElse(null);
        String jkt = cnf instanceof Map<?, ?> m && m.get("jkt") instanceof String s ? s : null;
        if (jkt != null) {
            // RFC 9449 §7.1: a DPoP-bound token needs the DPoP scheme and a proof by the bound key.
            Optional<String> proof = request.headers().first(Http.DPOP);
            if (!scheme.equals("DPoP") || proof.isEmpty()) {
                Http.bearerError(response, "DPoP", 401, "invalid_token", "This token is DPoP-bound; send a DPoP proof.");
                return;
            }
            URI uri = URI.create(tokens.issuer() + "/userinfo");
            DpopProofs.Result check = dpop.resourceRequest(request.prologue().method().text(), uri, proof.get(), token, jkt,
                    claims.subject().orElse(""));
            if (check instanceof DpopProofs.Refused r) {
                String nonce = dpop.currentNonce();
                if (nonce != null) {
                    response.header(Http.DPOP_NONCE, nonce);
                }
                Http.bearerError(response, "DPoP", 401, r.error().equals("use_dpop_nonce") ? "use_dpop_nonce" : "invalid_dpop_proof",
                        "The DPoP proof is invalid.");
                return;
            }
        } else if (scheme.equals("DPoP")) {
            Http.bearerError(response, "DPoP", 401, "invalid_token", "This token is not DPoP-bound.");
            return;
        }
        String x5t = cnf instanceof Map<?, ?> m && m.get("x5t#S256") instanceof String s ? s : null;
        if (x5t != null && !x5t.equals(TokenEndpoint.certificateThumbprint(request))) {
            // RFC 8705 §3: a certificate-bound token is only good over TLS with the certificate it was issued to.
            Http.bearerError(response, scheme, 401, "invalid_token", "This token is bound to another client certificate.");
            return;
        }
        String scope = claims.stringClaim("scope").orElse("");
        java.util.Set<String> scopes = Scopes.parse(scope);
        if (scopes == null || !scopes.contains(Scopes.OPENID)) {
            Http.bearerError(response, scheme, 403, "insufficient_scope", "The openid scope is required.");
            return;
        }
        Optional<UserRecord> user = users.byId(claims.subject().orElse(""));
        if (user.isEmpty() || user.get().disabled()) {
            Http.bearerError(response, scheme, 401, "invalid_token", "The access token is invalid, expired or revoked.");
            return;
        }
        Http.json(response, 200, UserInfoClaims.json(user.get(), scopes).toString());
    }
}
