package dev.aegis.identity.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The token endpoint {@code POST /oauth2/token} (RFC 6749 §3.2): form body only, client authentication, an
 * optional DPoP proof (RFC 9449 §5) and TLS client certificate (RFC 8705 §3), then the grant. Every issuance
 * and every refused request is audited; a token is only returned once its audit record is durable.
 *
 * <p>The client credentials grant is the hot path: a cached client, one HMAC, one ES256 signature, one
 * group-committed audit record, hand-built JSON.
 *
 * <p>Thread-safe.
 */
public final class TokenEndpoint {

    private final ClientAuthenticator authenticator;
    private final TokenService tokens;
    private final DpopProofs dpop;
    private final IdentityAudit audit;
    private final Grants grants;

    /** The grant handlers other than client credentials. */
    public record Grants(CodeGrant code, RefreshGrant refresh, DeviceGrant device, ExchangeGrant exchange) {
    }

    public TokenEndpoint(ClientAuthenticator authenticator, TokenService tokens, DpopProofs dpop, IdentityAudit audit,
                         Grants grants) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.dpop = dpop;
        this.audit = audit;
        this.grants = grants;
    }

    public void handle(ServerRequest request, ServerResponse response) {
        Form form = Http.form(request, response);
        if (form == null) {
            return;
        }
        String source = Http.source(request);
        String grantType = form.value("grant_type");
        ClientAuthenticator.Result auth = authenticator.authenticate(request, form, tokens.issuer() + "/oauth2/token");
        if (auth instanceof ClientAuthenticator.Failed f) {
            deny(response, grantType, f.clientId(), source, f.error(), "client authentication: " + f.reason());
            return;
        }
        ClientAuthenticator.Authenticated client = (ClientAuthenticator.Authenticated) auth;
        String clientId = client.client().clientId();
        OAuthError grantError = grantTypeError(grantType, client.client());
        if (grantError != null) {
            deny(response, grantType, clientId, source, grantError, "grant type " + grantError.error());
            return;
        }
        Binding binding = dpopBinding(request, client.client());
        if (binding.error() != null) {
            String nonce = dpop.currentNonce();
            if (nonce != null) {
                response.header(Http.DPOP_NONCE, nonce);
            }
            deny(response, grantType, clientId, source, binding.error(), binding.reason());
            return;
        }
        TokenRequest tokenRequest = new TokenRequest(client.client(), client.method(), form, source, binding.jkt(),
                certificateThumbprint(request));
        GrantOutcome outcome = switch (grantType) {
            case GrantTypes.CLIENT_CREDENTIALS -> clientCredentials(tokenRequest);
            case GrantTypes.AUTHORIZATION_CODE -> grants.code().handle(tokenRequest);
            case GrantTypes.REFRESH_TOKEN -> grants.refresh().handle(tokenRequest);
            case GrantTypes.DEVICE_CODE -> grants.device().handle(tokenRequest);
            case GrantTypes.TOKEN_EXCHANGE -> grants.exchange().handle(tokenRequest);
            default -> GrantOutcome.deny(OAuthError.unsupportedGrantType(), "unsupported grant type");
        };
        switch (outcome) {
            case GrantOutcome.Denied d -> deny(response, grantType, clientId, source, d.error(), d.auditReason());
            case GrantOutcome.Granted g -> grant(response, grantType, tokenRequest, g.response());
        }
    }

    /** RFC 6749 §5.2: missing, unknown, or not registered for this client. */
    private static OAuthError grantTypeError(String grantType, ClientRecord client) {
        if (grantType == null) {
            return OAuthError.invalidRequest("grant_type is required.");
        }
        if (!GrantTypes.ALL.contains(grantType)) {
            return OAuthError.unsupportedGrantType();
        }
        if (!client.grantTypes().contains(grantType)) {
            return OAuthError.unauthorizedClient("The client may not use this grant type.");
        }
        return null;
    }

    /** The DPoP key a token will be bound to (null without a proof), or why the proof was refused. */
    private record Binding(String jkt, OAuthError error, String reason) {
    }

    /** RFC 9449 §5: a proof binds the token; a client registered with {@code require_dpop} must send one. */
    private Binding dpopBinding(ServerRequest request, ClientRecord client) {
        Optional<String> proof = request.headers().first(Http.DPOP);
        if (proof.isEmpty()) {
            return client.requireDpop()
                    ? new Binding(null, new OAuthError(400, "invalid_dpop_proof", "This client must send a DPoP proof."),
                            "dpop required")
                    : new Binding(null, null, null);
        }
        return switch (dpop.tokenRequest(proof.get(), client.clientId())) {
            case DpopProofs.Bound b -> new Binding(b.jkt(), null, null);
            case DpopProofs.Refused r -> new Binding(null, new OAuthError(400, r.error(),
                    r.error().equals("use_dpop_nonce") ? "A DPoP nonce is required." : "The DPoP proof is invalid."),
                    "dpop: " + r.reason());
        };
    }

    /** RFC 6749 §4.4: the client acts on its own behalf; {@code sub} is the client id (RFC 9068 §2.2). */
    private GrantOutcome clientCredentials(TokenRequest request) {
        ClientRecord client = request.client();
        Set<String> scope = Audiences.scope(request.form(), client.scopes());
        if (scope == null) {
            return GrantOutcome.deny(OAuthError.invalidScope("The requested scope is invalid or not allowed."), "invalid scope");
        }
        List<String> audience = Audiences.resolve(request.form(), client, tokens.issuer());
        if (audience == null) {
            return GrantOutcome.deny(new OAuthError(400, "invalid_target", "The requested audience is not allowed."),
                    "invalid target");
        }
        TokenService.Issued issued = tokens.issueAccessToken(new TokenService.AccessGrant(client.clientId(),
                client.clientId(), scope, audience, client.accessTokenTtl(), null, request.dpopJkt(), request.x5t(),
                null, null));
        return new GrantOutcome.Granted(new TokenResponse(issued, request.dpopJkt() != null ? "DPoP" : "Bearer", scope,
                null, null, null));
    }

    private void grant(ServerResponse response, String grantType, TokenRequest request, TokenResponse tokenResponse) {
        String action = switch (grantType) {
            case GrantTypes.REFRESH_TOKEN -> "token.refresh";
            case GrantTypes.TOKEN_EXCHANGE -> "token.exchange";
            default -> "token.issue";
        };
        AuditEvent.Builder event = IdentityAudit.event(action, AuditDecision.ALLOW)
                .actor(request.client().clientId())
                .resource("/oauth2/token")
                .sourceAddress(request.source())
                .detail("grant_type", grantType)
                .detail("jti", tokenResponse.access().jti())
                .detail("auth_method", request.method())
                .detail("token_type", tokenResponse.tokenType());
        if (!tokenResponse.scope().isEmpty()) {
            event.detail("scope", Scopes.join(tokenResponse.scope()));
        }
        if (!audit.record(event)) {
            Http.error(response, OAuthError.temporarilyUnavailable());
            return;
        }
        Http.json(response, 200, tokenResponse.json());
    }

    private void deny(ServerResponse response, String grantType, String clientId, String source, OAuthError error,
                      String reason) {
        AuditEvent.Builder event = IdentityAudit.event("token.issue", AuditDecision.DENY)
                .actor(clientId != null && clientId.length() <= 128 && ClientRecord.validClientId(clientId) ? clientId : "unknown")
                .resource("/oauth2/token").sourceAddress(source).reason(error.error())
                .detail("why", reason.length() > 512 ? reason.substring(0, 512) : sanitize(reason));
        if (grantType != null && grantType.length() <= 128) {
            event.detail("grant_type", sanitize(grantType));
        }
        if (!audit.record(event)) {
            Http.error(response, OAuthError.temporarilyUnavailable());
            return;
        }
        Http.error(response, error);
    }

    /** RFC 8705 §3.1: base64url SHA-256 of the DER certificate the client presented in the TLS handshake. */
    static String certificateThumbprint(ServerRequest request) {
        Optional<Certificate[]> chain = request.remotePeer().tlsCertificates();
        if (chain.isEmpty() || chain.get().length == 0) {
            return null;
        }
        try {
            return TokenService.sha256(chain.get()[0].getEncoded());
        } catch (CertificateEncodingException e) {
            return null;
        }
    }

    static String sanitize(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return b.toString();
    }
}
