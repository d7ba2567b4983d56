package dev.aegis.sdk.api.token;

import dev.aegis.core.api.jwt.TokenError;
import java.util.Objects;

/**
 * Outcome of {@link AccessTokenVerifier#verify}: an expected security result, so a value. Switch on it
 * exhaustively; a service answers {@link Refused} with 401 and {@code WWW-Authenticate: Bearer
 * error="invalid_token"} (RFC 6750 §3.1), never with the detail.
 *
 * <p>Immutable.
 */
public sealed interface AccessTokenCheck {

    /** @param token the verified token */
    record Accepted(AccessToken token) implements AccessTokenCheck {
        public Accepted {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * @param error  why; {@link TokenError#REVOKED} when the revocation stream named its {@code jti}
     * @param detail for logs; never contains the token
     */
    record Refused(TokenError error, String detail) implements AccessTokenCheck {
        public Refused {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
