package dev.aegis.identity.internal;

import com.nimbusds.jwt.SignedJWT;
import dev.aegis.audit.api.AuditDecision;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RP-Initiated Logout (OpenID Connect RP-Initiated Logout 1.0 §2, §3): ends the session and redirects to a
 * {@code post_logout_redirect_uri} only when it is registered, exactly, for the client named by
 * {@code client_id} or by the {@code aud} of {@code id_token_hint}; otherwise shows a signed-out page.
 *
 * <p>Thread-safe.
 */
public final class LogoutEndpoint {

    private final ClientRegistry clients;
    private final Sessions sessions;
    private final IdentityAudit audit;

    public LogoutEndpoint(ClientRegistry clients, Sessions sessions, IdentityAudit audit) {
        this.clients = clients;
        this.sessions = sessions;
        this.audit = audit;
    }

    public void handle(ServerRequest request, ServerResponse response) {
        String raw = request.query().rawValue();
        Form form = raw.length() <= Http.MAX_FORM_BYTES && Form.parse(raw) instanceof Form.Ok ok ? ok.form() : null;
        Optional<String> sessionId = Cookies.read(request, Cookies.SESSION);
        Sessions.Session session = sessionId.map(sessions::find).orElse(null);
        sessionId.ifPresent(sessions::delete);
        response.header(HeaderNames.SET_COOKIE, Cookies.clearSession());
        if (session != null) {
            audit.record(IdentityAudit.event("logout", AuditDecision.INFO).actor(session.userId()).subject(session.userId())
                    .sourceAddress(Http.source(request)));
        }
        String target = form == null ? null : form.value("post_logout_redirect_uri");
        String clientId = form == null ? null : form.value("client_id");
        if (clientId == null && form != null && form.value("id_token_hint") != null) {
            clientId = audienceOf(form.value("id_token_hint"));
        }
        Optional<ClientRecord> client = clientId == null ? Optional.empty() : clients.find(clientId);
        if (target != null && client.isPresent() && client.get().postLogoutRedirectUris().contains(target)) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("state", form.value("state"));
            Http.redirect(response, AuthorizationRequest.redirect(target, params), false);
            return;
        }
        Http.html(response, 200, Html.message("Signed out", "You are signed out."));
    }

    /** Only picks the client whose registered URIs may be used; a forged hint can at most pick another registered URI. */
    private static String audienceOf(String idToken) {
        if (idToken.length() > 8192) {
            return null;
        }
        try {
            List<String> aud = SignedJWT.parse(idToken).getJWTClaimsSet().getAudience();
            return aud == null || aud.size() != 1 ? null : aud.getFirst();
        } catch (java.text.ParseException e) {
            return null;
        }
    }
}
