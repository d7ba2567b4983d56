package dev.aegis.ratelimit.api;

import java.time.Duration;

/**
 * One limit (a quota per time window) applied separately to every key: the common shape of the local sliding
 * window ({@link LocalSlidingWindow}), the {@link TokenBucket} and the cluster-wide {@link RedisSlidingWindow},
 * so a gateway route can use any of them.
 *
 * <p>Implementations are thread-safe; {@link #acquire} never returns {@code null} and never throws for a
 * valid key.
 */
public interface RateLimiter {

    /**
     * Consumes one permit for {@code key} if one is available.
     *
     * @param key the limited subject, e.g. {@link LimitKey#asString()}; not {@code null}, at most 512 characters
     * @return allowed (with what is left), limited (with when to retry) or unavailable
     */
    RateDecision acquire(String key);

    /** @return the quota per window (or the bucket capacity) */
    int limit();

    /** @return the window (for a token bucket: the time to refill completely) */
    Duration window();

    /** Checks a key before it reaches a map or Redis: bounded, never null. */
    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 512) {
            throw new IllegalArgumentException("a rate limit key must have 1..512 characters");
        }
        return key;
    }
}
