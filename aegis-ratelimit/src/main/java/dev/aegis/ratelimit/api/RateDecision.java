package dev.aegis.ratelimit.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one {@link RateLimiter#acquire} call: an expected result, so a value (STYLE.md). Switch on it
 * exhaustively; {@link Unavailable} (the shared counter store could not be asked and the policy is fail-closed)
 * is never an allow.
 *
 * <p>Fields map to the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): {@code limit},
 * {@code remaining}, {@code reset}. Implementations are immutable and thread-safe.
 */
public sealed interface RateDecision {

    /** @return the quota of the window or bucket */
    int limit();

    /**
     * One permit was consumed.
     *
     * @param limit     the quota
     * @param remaining permits left after this one (0 or more)
     * @param reset     time until the quota is fully available again (0 or more)
     */
    record Allowed(int limit, int remaining, Duration reset) implements RateDecision {
        /** Validates. */
        public Allowed {
            if (limit < 1 || remaining < 0) {
                throw new IllegalArgumentException("limit must be positive and remaining non-negative");
            }
            Objects.requireNonNull(reset, "reset");
        }
    }

    /**
     * The quota is used up; nothing was consumed.
     *
     * @param limit      the quota
     * @param retryAfter time until at least one permit is available again (at least 1 s, for {@code Retry-After})
     */
    record Limited(int limit, Duration retryAfter) implements RateDecision {
        /** Validates. */
        public Limited {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be positive");
            }
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * The shared counter store (Redis) could not be reached and the configured policy is
     * {@link UnavailablePolicy#FAIL_CLOSED}: the request must be refused (503), not counted.
     *
     * @param limit  the quota that could not be checked
     * @param reason for logs; never contains a key
     */
    record Unavailable(int limit, String reason) implements RateDecision {
        /** Validates. */
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
