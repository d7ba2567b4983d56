package dev.aegis.ratelimit.api;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket per key: {@code capacity} tokens, refilled continuously at {@code capacity / refillPeriod};
 * each {@link #acquire} takes one. Allows bursts up to the capacity while holding the long-run rate, where
 * the sliding window ({@link Limiter}) holds a hard count per window.
 *
 * <p>Bounded memory: once more than {@code maxKeys} buckets exist, buckets that are full again (idle for at
 * least a refill period, so forgetting them changes nothing) are evicted; if none is, new keys are refused
 * ({@link RateDecision.Limited}) rather than growing without bound.
 *
 * <p>Thread-safe: one small lock per bucket, held only for arithmetic (no I/O).
 */
public final class TokenBucket implements RateLimiter {

    private static final int SWEEP_EVERY = 1024;

    private final int capacity;
    private final Duration refillPeriod;
    private final double tokensPerMilli;
    private final int maxKeys;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger operations = new AtomicInteger();
    private final ReentrantLock sweepLock = new ReentrantLock();

    private static final class Bucket {
        final ReentrantLock lock = new ReentrantLock();
        double tokens;
        long updatedMillis;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedMillis = now;
        }
    }

    /**
     * @param capacity     bucket size and burst, at least 1
     * @param refillPeriod time to refill an empty bucket completely, at least 1 ms
     */
    public TokenBucket(int capacity, Duration refillPeriod) {
        this(capacity, refillPeriod, 100_000, Clock.systemUTC());
    }

    /**
     * @param capacity     bucket size and burst, at least 1
     * @param refillPeriod time to refill an empty bucket completely, at least 1 ms
     * @param maxKeys      buckets kept at most, at least 1
     * @param clock        time source
     */
    public TokenBucket(int capacity, Duration refillPeriod, int maxKeys, Clock clock) {
        if (capacity < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("capacity and maxKeys must be at least 1");
        }
        if (refillPeriod.toMillis() < 1) {
            throw new IllegalArgumentException("refill period must be at least 1 ms");
        }
        this.capacity = capacity;
        this.refillPeriod = refillPeriod;
        this.tokensPerMilli = (double) capacity / refillPeriod.toMillis();
        this.maxKeys = maxKeys;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public RateDecision acquire(String key) {
        RateLimiter.checkKey(key);
        long now = clock.millis();
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys && !evictIdle(now)) {
                return new RateDecision.Limited(capacity, Duration.ofSeconds(1));
            }
            Bucket created = new Bucket(capacity, now);
            Bucket raced = buckets.putIfAbsent(key, created);
            bucket = raced == null ? created : raced;
        } else if ((operations.incrementAndGet() & (SWEEP_EVERY - 1)) == 0 && buckets.size() > maxKeys / 2) {
            evictIdle(now);
        }
        bucket.lock.lock();
        try {
            refill(bucket, now);
            if (bucket.tokens >= 1.0) {
                bucket.tokens -= 1.0;
                long resetMillis = (long) Math.ceil((capacity - bucket.tokens) / tokensPerMilli);
                return new RateDecision.Allowed(capacity, (int) bucket.tokens, Duration.ofMillis(resetMillis));
            }
            long waitMillis = (long) Math.ceil((1.0 - bucket.tokens) / tokensPerMilli);
            return new RateDecision.Limited(capacity, Duration.ofMillis(Math.max(1000, waitMillis)));
        } finally {
            bucket.lock.unlock();
        }
    }

    /**
     * @param key a key
     * @return whole tokens available now, without consuming
     */
    public int available(String key) {
        Bucket bucket = buckets.get(RateLimiter.checkKey(key));
        if (bucket == null) {
            return capacity;
        }
        bucket.lock.lock();
        try {
            refill(bucket, clock.millis());
            return (int) bucket.tokens;
        } finally {
            bucket.lock.unlock();
        }
    }

    /** @return buckets currently held (for tests and metrics) */
    public int trackedKeys() {
        return buckets.size();
    }

    @Override
    public int limit() {
        return capacity;
    }

    @Override
    public Duration window() {
        return refillPeriod;
    }

    private void refill(Bucket bucket, long now) {
        long elapsed = now - bucket.updatedMillis;
        if (elapsed > 0) {
            bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * tokensPerMilli);
            bucket.updatedMillis = now;
        }
    }

    /** Removes buckets that have refilled completely. @return whether there is room for a new key */
    private boolean evictIdle(long now) {
        if (sweepLock.tryLock()) {
            try {
                long fullAfter = refillPeriod.toMillis();
                for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
                    Bucket b = it.next().getValue();
                    if (now - b.updatedMillis >= fullAfter) {
                        it.remove();
                    }
                }
            } finally {
                sweepLock.unlock();
            }
        }
        return buckets.size() < maxKeys;
    }

    @Override
    public String toString() {
        return "TokenBucket[capacity=" + capacity + ", refill=" + refillPeriod + "]";
    }
}
