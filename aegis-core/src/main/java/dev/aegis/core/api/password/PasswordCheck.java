package dev.aegis.core.api.password;

import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of {@link PasswordHasher#verify}: an expected security result, so a value, not an exception.
 * Switch on it exhaustively; there is no third case, and a malformed stored hash is a {@link Mismatch}
 * (unknown means deny).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface PasswordCheck {

    /**
     * The password matches.
     *
     * @param rehashed a new hash with the current, stronger parameters when the stored one used weaker ones; the
     *                 caller stores it in place of the old hash. Never {@code null}.
     */
    record Match(Optional<String> rehashed) implements PasswordCheck {
        /** Validates. */
        public Match {
            Objects.requireNonNull(rehashed, "rehashed");
        }
    }

    /** The password does not match, or the stored hash is malformed or unsupported. */
    record Mismatch() implements PasswordCheck {
    }
}
