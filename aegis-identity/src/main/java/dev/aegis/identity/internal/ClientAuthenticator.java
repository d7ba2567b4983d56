package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.ConstantTime;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3):
 * {@code client_secret_basic} (§2.3.1, with the form-urlencoding of id and secret), {@code client_secret_post},
 * {@code private_key_jwt} (RFC 7523 §2.2, delegated to {@link ClientAssertions}) and {@code none} for public
 * clients (RFC 6749 §2.1, identified by {@code client_id} only). Using more than one method is refused
 * (§2.3). The secret check is one HMAC-SHA256 under the pepper and a constant-time comparison; an unknown
 * client costs the same HMAC, so the answer does not tell which clients exist.
 *
 * <p>Thread-safe.
 */
public final class ClientAuthenticator {

    static final String JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final String BASIC = "Basic ";

    private final ClientRegistry clients;
    private final ClientAssertions assertions;

    /** The outcome of authenticating a client. */
    public sealed interface Result permits Authenticated, Failed {
    }

    /** @param method the method that was used */
    public record Authenticated(ClientRecord client, String method) implements Result {
    }

    /** @param error what to answer */
    public record Failed(OAuthError error, String clientId, String reason) implements Result {
    }

    public ClientAuthenticator(ClientRegistry clients, ClientAssertions assertions) {
        this.clients = clients;
        this.assertions = assertions;
    }

    /**
     * @param request  the HTTP request (for the Authorization header)
     * @param form     the form parameters
     * @param audience the endpoint URL a client assertion must name
     * @return who the client is, or why not
     */
    public Result authenticate(ServerRequest request, Form form, String audience) {
        Optional<String> authorization = request.headers().first(HeaderNames.AUTHORIZATION);
        String formSecret = form.value("client_secret");
        String assertionType = form.value("client_assertion_type");
        String formId = form.value("client_id");
        int methods = (authorization.isPresent() ? 1 : 0) + (formSecret != null ? 1 : 0) + (assertionType != null ? 1 : 0);
        if (methods > 1) {
            return new Failed(OAuthError.invalidRequest("Use exactly one client authentication method."), formId,
                    "several authentication methods");
        }
        if (authorization.isPresent()) {
            return basic(authorization.get(), formId);
        }
        if (formSecret != null) {
            return secret(formId, formSecret, ClientRecord.SECRET_POST);
        }
        if (assertionType != null) {
            if (!JWT_BEARER_ASSERTION.equals(assertionType)) {
                return new Failed(OAuthError.invalidRequest("Unsupported client_assertion_type."), formId, "assertion type");
            }
            return assertions.authenticate(form.value("client_assertion"), formId, audience);
        }
        if (formId == null) {
            return new Failed(OAuthError.invalidClient(), null, "no client authentication");
        }
        Optional<ClientRecord> client = clients.find(formId);
        if (client.isEmpty() || client.get().confidential()) {
            return new Failed(OAuthError.invalidClient(), formId, client.isEmpty() ? "unknown client" : "confidential client without credentials");
        }
        return new Authenticated(client.get(), ClientRecord.NONE);
    }

    private Result basic(String header, String formId) {
        if (!header.regionMatches(true, 0, BASIC, 0, BASIC.length()) || header.length() > 2048) {
            return new Failed(OAuthError.invalidClient(), formId, "unsupported authorization scheme");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Failed(OAuthError.invalidClient(), formId, "malformed basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return new Failed(OAuthError.invalidClient(), formId, "malformed basic credentials");
        }
        String id;
        String secret;
        try {
            // RFC 6749 §2.3.1: both are form-urlencoded before Basic encoding.
            id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Failed(OAuthError.invalidClient(), formId, "malformed basic credentials");
        }
        if (formId != null && !formId.equals(id)) {
            return new Failed(OAuthError.invalidRequest("client_id does not match the authenticated client."), id,
                    "client_id mismatch");
        }
        return secret(id, secret, ClientRecord.SECRET_BASIC);
    }

    private Result secret(String clientId, String secret, String method) {
        if (clientId == null) {
            return new Failed(OAuthError.invalidClient(), null, "no client_id");
        }
        String presented = secret.length() > 512 ? "" : clients.fingerprint(secret);
        Optional<ClientRecord> client = clients.find(clientId);
        String stored = client.flatMap(ClientRecord::secretHash).orElse(null);
        boolean match = ConstantTime.equals(stored, presented);
        if (client.isEmpty() || !match) {
            return new Failed(OAuthError.invalidClient(), clientId, client.isEmpty() ? "unknown client" : "wrong secret");
        }
        if (!client.get().accepts(method)) {
            return new Failed(OAuthError.invalidClient(), clientId, "authentication method not registered");
        }
        return new Authenticated(client.get(), method);
    }
}
