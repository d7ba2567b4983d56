package dev.aegis.identity.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A validated authorization request (RFC 6749 §4.1.1, PKCE RFC 7636 §4.3, OIDC Core §3.1.2.1). Validation
 * happens in two stages: first the client and the exact {@code redirect_uri} (a failure there is shown to the
 * user and never redirected, RFC 6749 §4.1.2.1), then everything else (failures are redirected back to the
 * client with {@code error}, {@code state} and {@code iss}, RFC 9207).
 */
record AuthorizationRequest(ClientRecord client, String redirectUri, Set<String> scope, String state, String nonce,
                            String codeChallenge, String prompt) {

    /** The outcome of validating a request. */
    sealed interface Validation permits Valid, ShowError, RedirectError {
    }

    record Valid(AuthorizationRequest request) implements Validation {
    }

    /** Client or redirect URI cannot be trusted: show a page, never redirect. */
    record ShowError(String message) implements Validation {
    }

    record RedirectError(String redirectUri, String state, String error, String description) implements Validation {
    }

    static final String[] PARAMETERS = {"response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
            "code_challenge", "code_challenge_method", "prompt"};

    static Validation validate(Form form, ClientRegistry clients) {
        String clientId = form.value("client_id");
        var client = clientId == null ? java.util.Optional.<ClientRecord>empty() : clients.find(clientId);
        if (client.isEmpty()) {
            return new ShowError("The application that sent you here is not registered.");
        }
        String redirectUri = form.value("redirect_uri");
        ClientRecord c = client.get();
        if (redirectUri == null ? c.redirectUris().size() != 1 : !c.redirectUris().contains(redirectUri)) {
            // Exact string comparison only (RFC 9700 §4.1.3): no prefix, no pattern, no normalisation.
            return new ShowError("The redirect address of this request is not registered for the application.");
        }
        String target = redirectUri != null ? redirectUri : c.redirectUris().getFirst();
        String state = form.value("state");
        if (state != null && state.length() > 1024) {
            return new RedirectError(target, null, "invalid_request", "state is too long");
        }
        if (!"code".equals(form.value("response_type"))) {
            return new RedirectError(target, state, "unsupported_response_type", "Only response_type=code is supported.");
        }
        if (!c.grantTypes().contains(GrantTypes.AUTHORIZATION_CODE)) {
            return new RedirectError(target, state, "unauthorized_client", "The client may not use the code flow.");
        }
        String challenge = form.value("code_challenge");
        if (challenge == null) {
            return new RedirectError(target, state, "invalid_request", "PKCE code_challenge is required (RFC 7636).");
        }
        if (!"S256".equals(form.value("code_challenge_method"))) {
            return new RedirectError(target, state, "invalid_request", "code_challenge_method must be S256.");
        }
        if (!AuthorizationCodes.Pkce.challengeValid(challenge)) {
            return new RedirectError(target, state, "invalid_request", "code_challenge is malformed.");
        }
        Set<String> scope = Scopes.parse(form.value("scope"));
        if (scope == null || scope.isEmpty() || !c.scopes().containsAll(scope)) {
            return new RedirectError(target, state, "invalid_scope", "The requested scope is invalid or not allowed.");
        }
        String nonce = form.value("nonce");
        if (nonce != null && nonce.length() > 512) {
            return new RedirectError(target, state, "invalid_request", "nonce is too long");
        }
        String prompt = form.value("prompt");
        return new Valid(new AuthorizationRequest(c, target, scope, state, nonce, challenge, prompt));
    }

    /** @return the parameters to carry through the login and consent forms */
    Map<String, String> carried() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("response_type", "code");
        m.put("client_id", client.clientId());
        m.put("redirect_uri", redirectUri);
        m.put("scope", Scopes.join(scope));
        m.put("state", state);
        m.put("nonce", nonce);
        m.put("code_challenge", codeChallenge);
        m.put("code_challenge_method", "S256");
        return m;
    }

    static String redirect(String redirectUri, Map<String, String> params) {
        StringBuilder b = new StringBuilder(redirectUri).append(redirectUri.indexOf('?') >= 0 ? '&' : '?');
        boolean first = true;
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!first) {
                b.append('&');
            }
            first = false;
            b.append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return b.toString();
    }
}
