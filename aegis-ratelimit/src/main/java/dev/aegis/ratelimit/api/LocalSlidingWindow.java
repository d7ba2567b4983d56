package dev.aegis.ratelimit.api;

import java.time.Clock;
import java.time.Duration;

/**
 * The in-process sliding window ({@link Limiter}) in the {@link RateLimiter} shape, for one node (the embedded
 * default). Exact on this node; for limits that must hold across gateway nodes use {@link RedisSlidingWindow}.
 *
 * <p>Thread-safe (as {@link Limiter}).
 */
public final class LocalSlidingWindow implements RateLimiter {

    private final Limiter limiter;
    private final int max;
    private final Duration window;

    /**
     * @param max    permits per window, at least 1
     * @param window the window
     */
    public LocalSlidingWindow(int max, Duration window) {
        this(max, window, Clock.systemUTC());
    }

    /**
     * @param max    permits per window, at least 1
     * @param window the window
     * @param clock  time source
     */
    public LocalSlidingWindow(int max, Duration window, Clock clock) {
        this.limiter = new Limiter(max, window, clock);
        this.max = max;
        this.window = window;
    }

    @Override
    public RateDecision acquire(String key) {
        RateLimiter.checkKey(key);
        if (limiter.allow(key)) {
            return new RateDecision.Allowed(max, Math.max(0, limiter.remaining(key)), window);
        }
        Duration retry = limiter.retryAfter(key);
        return new RateDecision.Limited(max, retry.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retry);
    }

    @Override
    public int limit() {
        return max;
    }

    @Override
    public Duration window() {
        return window;
    }

    @Override
    public String toString() {
        return "LocalSlidingWindow[max=" + max + ", window=" + window + "]";
    }
}
