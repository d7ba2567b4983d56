package dev.aegis.identity.internal;

/**
 * An OAuth 2.0 error response (RFC 6749 §5.2; RFC 6750 §3.1; RFC 8628 §3.5; RFC 9449 §7.1) with a fixed,
 * client-safe description: never an echo of the request, a secret, or whether a user or client exists.
 *
 * @param status      HTTP status
 * @param error       the registered error code
 * @param description a fixed sentence for developers, may be {@code null}
 */
public record OAuthError(int status, String error, String description) {

    /** Validates. */
    public OAuthError {
        if (error == null || error.isEmpty()) {
            throw new IllegalArgumentException("error code required");
        }
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description);
    }

    public static OAuthError invalidClient() {
        return new OAuthError(401, "invalid_client", "Client authentication failed.");
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError(400, "invalid_grant", description);
    }

    public static OAuthError unauthorizedClient(String description) {
        return new OAuthError(400, "unauthorized_client", description);
    }

    public static OAuthError unsupportedGrantType() {
        return new OAuthError(400, "unsupported_grant_type", "The grant type is not supported.");
    }

    public static OAuthError invalidScope(String description) {
        return new OAuthError(400, "invalid_scope", description);
    }

    public static OAuthError serverError() {
        return new OAuthError(500, "server_error", "The request could not be processed.");
    }

    public static OAuthError temporarilyUnavailable() {
        return new OAuthError(503, "temporarily_unavailable", "The audit trail is unavailable; try again later.");
    }

    /** @return the RFC 6749 §5.2 JSON body */
    public String json() {
        StringBuilder b = new StringBuilder(96).append("{\"error\":\"").append(error).append('"');
        if (description != null) {
            b.append(",\"error_description\":\"").append(Json.escape(description)).append('"');
        }
        return b.append('}').toString();
    }
}
