package dev.aegis.ratelimit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.ratelimit.testing.RedisTestServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real Redis that the test starts itself (redis-server on PATH, else embedded-redis). */
class RedisSlidingWindowTest {

    static RedisTestServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisTestServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Test
    void twoNodesTogetherAdmitExactlyMaxUnderManyThreads() throws Exception {
        try (RedisCounters nodeA = RedisCounters.connect(redis.uri(), Duration.ofSeconds(2));
             RedisCounters nodeB = RedisCounters.connect(redis.uri(), Duration.ofSeconds(2))) {
            RateLimiter a = nodeA.slidingWindow("exact", 300, Duration.ofMinutes(1), UnavailablePolicy.FAIL_CLOSED);
            RateLimiter b = nodeB.slidingWindow("exact", 300, Duration.ofMinutes(1), UnavailablePolicy.FAIL_CLOSED);
            AtomicInteger allowed = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] threads = new Thread[16];
            for (int t = 0; t < threads.length; t++) {
                RateLimiter node = t % 2 == 0 ? a : b;
                threads[t] = Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 50; i++) {
                        if (node.acquire("k:shared") instanceof RateDecision.Allowed) {
                            allowed.incrementAndGet();
                        }
                    }
                });
            }
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(300, allowed.get(), "800 attempts over two nodes, exactly max admitted");
            RateDecision.Limited limited = assertInstanceOf(RateDecision.Limited.class, b.acquire("k:shared"));
            assertTrue(limited.retryAfter().toSeconds() >= 1 && limited.retryAfter().toSeconds() <= 60);
        }
    }

    @Test
    void theWindowSlidesOnRedisTime() throws Exception {
        try (RedisCounters node = RedisCounters.connect(redis.uri(), Duration.ofSeconds(2))) {
            RateLimiter l = node.slidingWindow("slide", 2, Duration.ofMillis(400), UnavailablePolicy.FAIL_CLOSED);
            assertInstanceOf(RateDecision.Allowed.class, l.acquire("x"));
            RateDecision.Allowed second = assertInstanceOf(RateDecision.Allowed.class, l.acquire("x"));
            assertEquals(0, second.remaining());
            assertInstanceOf(RateDecision.Limited.class, l.acquire("x"));
            Thread.sleep(450);
            assertInstanceOf(RateDecision.Allowed.class, l.acquire("x"));
        }
    }

    @Test
    void redisStoppedFailOpenAllowsFailClosedRefusesBothCountedThenRecovers() throws Exception {
        try (RedisCounters node = RedisCounters.connect(redis.uri(), Duration.ofMillis(300))) {
            RateLimiter open = node.slidingWindow("outage-open", 1, Duration.ofMinutes(1), UnavailablePolicy.FAIL_OPEN);
            RateLimiter closed = node.slidingWindow("outage-closed", 1, Duration.ofMinutes(1), UnavailablePolicy.FAIL_CLOSED);
            redis.stop();
            try {
                assertInstanceOf(RateDecision.Allowed.class, open.acquire("k"));
                assertInstanceOf(RateDecision.Allowed.class, open.acquire("k"), "fail-open: uncounted");
                assertInstanceOf(RateDecision.Unavailable.class, closed.acquire("k"));
                assertTrue(node.unavailableEvents() >= 3);
            } finally {
                redis.startAgain();
            }
            // Lettuce reconnects by itself; the script is reloaded when Redis lost it.
            RateDecision d = null;
            for (int i = 0; i < 100 && !(d instanceof RateDecision.Allowed); i++) {
                Thread.sleep(100);
                d = closed.acquire("after");
            }
            assertInstanceOf(RateDecision.Allowed.class, d);
            assertInstanceOf(RateDecision.Limited.class, closed.acquire("after"));
        }
    }

    @Test
    void loginProtectionOnTheClusterRefusesTheSixthAttemptPerAccount() throws Exception {
        try (RedisCounters node = RedisCounters.connect(redis.uri(), Duration.ofSeconds(2))) {
            LoginProtection login = LoginProtection.cluster(node, UnavailablePolicy.FAIL_CLOSED);
            for (int i = 0; i < LoginProtection.PER_ACCOUNT; i++) {
                assertInstanceOf(RateDecision.Allowed.class, login.attempt("alice", "10.0.0." + i));
            }
            assertInstanceOf(RateDecision.Limited.class, login.attempt("alice", "10.0.0.99"));
            assertInstanceOf(RateDecision.Allowed.class, login.attempt("bob", "10.0.0.99"));
        }
    }
}
