package dev.aegis.ratelimit.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A sliding-window limit that holds across every gateway node sharing one Redis ({@link RedisCounters}): each
 * {@link #acquire} is one atomic Lua script over a sorted set of admission times, so N nodes together admit
 * exactly {@code max} requests per key per window (a sliding log, not an approximation).
 *
 * <p>When Redis cannot be asked (down, timeout, disconnected) the {@link UnavailablePolicy} decides:
 * {@code FAIL_OPEN} allows uncounted, {@code FAIL_CLOSED} answers {@link RateDecision.Unavailable}. Either way
 * the event is counted and logged by {@link RedisCounters}.
 *
 * <p>Thread-safe.
 */
public final class RedisSlidingWindow implements RateLimiter {

    private final RedisCounters redis;
    private final String name;
    private final String keyPrefix;
    private final int max;
    private final Duration window;
    private final long windowMillis;
    private final UnavailablePolicy policy;

    RedisSlidingWindow(RedisCounters redis, String name, int max, Duration window, UnavailablePolicy policy) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.name = RateLimiter.checkKey(name);
        if (max < 1 || window.toMillis() < 1) {
            throw new IllegalArgumentException("max must be at least 1 and the window at least 1 ms");
        }
        this.keyPrefix = "aegis:rl:" + name + ':';
        this.max = max;
        this.window = window;
        this.windowMillis = window.toMillis();
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public RateDecision acquire(String key) {
        RateLimiter.checkKey(key);
        long[] reply;
        try {
            reply = redis.slidingWindow(keyPrefix + key, windowMillis, max);
        } catch (RuntimeException e) { // Lettuce: RedisException, RedisCommandTimeoutException, connection errors
            redis.unavailable(name, policy, e);
            return switch (policy) {
                case FAIL_OPEN -> new RateDecision.Allowed(max, 0, window);
                case FAIL_CLOSED -> new RateDecision.Unavailable(max, "rate limit store unreachable");
            };
        }
        if (reply[0] == 1) {
            return new RateDecision.Allowed(max, (int) reply[1], window);
        }
        return new RateDecision.Limited(max, Duration.ofMillis(Math.max(1000, reply[2])));
    }

    @Override
    public int limit() {
        return max;
    }

    @Override
    public Duration window() {
        return window;
    }

    /** @return the policy applied when Redis cannot be asked */
    public UnavailablePolicy policy() {
        return policy;
    }

    @Override
    public String toString() {
        return "RedisSlidingWindow[" + name + ", max=" + max + ", window=" + window + ", " + policy + "]";
    }
}
