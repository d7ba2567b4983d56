package dev.aegis.core.api.jwt;

import dev.aegis.core.api.crypto.KeyId;
import java.util.Objects;

/**
 * Outcome of {@link JwtVerifier#verify}: a verified token or the reason it was rejected. An expected security
 * result, so a value, not an exception; switch on it exhaustively (no default branch that allows).
 *
 * <p>Implementations are immutable and thread-safe; components are never {@code null}.
 */
public sealed interface TokenCheck {

    /**
     * The token passed every check.
     *
     * @param claims the verified claims
     * @param keyId  the key that signed it
     */
    record Valid(JwtClaims claims, KeyId keyId) implements TokenCheck {
        /** Validates. */
        public Valid {
            Objects.requireNonNull(claims, "claims");
            Objects.requireNonNull(keyId, "keyId");
        }
    }

    /**
     * The token was rejected.
     *
     * @param error  the reason; clients see only {@code invalid_token} (RFC 6750 §3.1)
     * @param detail for logs: names the rule, never contains the token or key material
     */
    record Rejected(TokenError error, String detail) implements TokenCheck {
        /** Validates. */
        public Rejected {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
