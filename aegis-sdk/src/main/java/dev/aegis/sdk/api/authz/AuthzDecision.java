package dev.aegis.sdk.api.authz;

import java.util.Objects;

/**
 * The answer to one {@link AuthzClient#check}: answered (allowed or denied), or failed. A failure is never an allow —
 * {@link #allowed()} is {@code false} for it — so a caller that only asks {@code allowed()} fails closed.
 */
public sealed interface AuthzDecision {

    /** @return whether the request may proceed; {@code false} for a denial and for {@link Failed} */
    boolean allowed();

    /**
     * The engine's answer: granted or not.
     *
     * @param allowed          whether the relation holds
     * @param consistencyToken the snapshot the answer was computed on (e.g. {@code z42})
     * @param cached           whether it came from the SDK's decision cache
     */
    record Answered(boolean allowed, String consistencyToken, boolean cached) implements AuthzDecision {
        public Answered {
            Objects.requireNonNull(consistencyToken, "consistencyToken");
        }
    }

    /**
     * No answer: the engine refused the request or could not be reached. Treat it as a denial.
     *
     * @param status  the HTTP status, 0 when there was no answer
     * @param code    OpenFGA's error code (e.g. {@code validation_error}, {@code unauthenticated}), or
     *                {@code unavailable} when there was no answer
     * @param message the engine's message (never a credential)
     */
    record Failed(int status, String code, String message) implements AuthzDecision {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public boolean allowed() {
            return false;
        }
    }
}
