package dev.aegis.sdk.api.guard;

import dev.aegis.sdk.api.token.AccessToken;
import java.util.Objects;

/**
 * What {@link ServiceGuard} decided for one request. Switch on it exhaustively: only {@link Allow} lets the
 * request through.
 *
 * <p>Immutable.
 */
public sealed interface GuardDecision {

    /** @param token the caller's verified token */
    record Allow(AccessToken token) implements GuardDecision {
        public Allow {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * @param status          the HTTP status to answer: 401 (no or bad credential) or 403 (insufficient scope)
     * @param wwwAuthenticate the {@code WWW-Authenticate} value (RFC 6750 §3, RFC 9449 §7.1): error code only
     * @param reason          for logs and audit; never the token
     */
    record Deny(int status, String wwwAuthenticate, String reason) implements GuardDecision {
        public Deny {
            Objects.requireNonNull(wwwAuthenticate, "wwwAuthenticate");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
