package dev.aegis.ratelimit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void burstUpToCapacityThenRefillsAtTheConfiguredRate() {
        MutableClock clock = new MutableClock();
        TokenBucket bucket = new TokenBucket(10, Duration.ofSeconds(10), 1000, clock); // 1 token per second
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(RateDecision.Allowed.class, bucket.acquire("k"));
        }
        RateDecision.Limited limited = assertInstanceOf(RateDecision.Limited.class, bucket.acquire("k"));
        assertEquals(Duration.ofSeconds(1), limited.retryAfter());
        clock.advance(Duration.ofMillis(2500));
        assertInstanceOf(RateDecision.Allowed.class, bucket.acquire("k"));
        assertInstanceOf(RateDecision.Allowed.class, bucket.acquire("k"));
        assertInstanceOf(RateDecision.Limited.class, bucket.acquire("k"));
    }

    @Test
    void keysHaveSeparateBuckets() {
        TokenBucket bucket = new TokenBucket(1, Duration.ofMinutes(1), 1000, new MutableClock());
        assertInstanceOf(RateDecision.Allowed.class, bucket.acquire("a"));
        assertInstanceOf(RateDecision.Limited.class, bucket.acquire("a"));
        assertInstanceOf(RateDecision.Allowed.class, bucket.acquire("b"));
    }

    @Test
    void idleFullBucketsAreEvictedSoMemoryStaysBounded() {
        MutableClock clock = new MutableClock();
        TokenBucket bucket = new TokenBucket(5, Duration.ofSeconds(1), 100, clock);
        for (int i = 0; i < 100; i++) {
            bucket.acquire("k" + i);
        }
        assertEquals(100, bucket.trackedKeys());
        // A full table of active buckets refuses a new key instead of growing.
        assertInstanceOf(RateDecision.Limited.class, bucket.acquire("new"));
        clock.advance(Duration.ofSeconds(2));
        assertInstanceOf(RateDecision.Allowed.class, bucket.acquire("new"));
        assertTrue(bucket.trackedKeys() <= 100, "idle buckets evicted");
    }

    @Test
    void manyThreadsOnOneBucketNeverGetMoreThanItsTokens() throws Exception {
        TokenBucket bucket = new TokenBucket(500, Duration.ofDays(1)); // effectively no refill during the test
        AtomicInteger allowed = new AtomicInteger();
        int threads = 32;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100; i++) {
                    if (bucket.acquire("shared") instanceof RateDecision.Allowed) {
                        allowed.incrementAndGet();
                    }
                }
            });
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(500, allowed.get());
    }
}
