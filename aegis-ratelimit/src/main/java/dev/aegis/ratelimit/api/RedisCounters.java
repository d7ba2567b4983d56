package dev.aegis.ratelimit.api;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared counter store of a gateway cluster: one Lettuce connection to Redis (auto-reconnecting; commands
 * are rejected at once while disconnected and time out after {@code commandTimeout}) and the atomic Lua
 * scripts the {@link RedisSlidingWindow} limiters run. Limits are exact across nodes: every check-and-count
 * is one script, run atomically by Redis, and the window uses Redis's own clock ({@code TIME}), so nodes with
 * skewed clocks still agree.
 *
 * <p>When Redis cannot be asked, each limiter applies its {@link UnavailablePolicy}; every such event is
 * counted ({@link #unavailableEvents()}, exported as a metric by the gateway) and logged (WARN, at most once
 * per 10 s, with the policy).
 *
 * <p>Thread-safe: Lettuce connections are shared by all threads. Close it to release the connection.
 */
public final class RedisCounters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCounters.class);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    /**
     * Sliding-window log (a sorted set of admission times per key). KEYS[1] the counter; ARGV: window ms, max,
     * unique member. Returns {allowed (1/0), remaining, retry-after ms}.
     */
    static final String SLIDING_WINDOW_LUA = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[1])
            local max = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local n = redis.call('ZCARD', KEYS[1])
            if n < max then
              redis.call('ZADD', KEYS[1], now, ARGV[3])
              redis.call('PEXPIRE', KEYS[1], window)
              return {1, max - n - 1, 0}
            end
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return {0, 0, tonumber(oldest[2]) + window - now}
            """;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String slidingWindowSha;
    private final String node = Long.toHexString(Double.doubleToLongBits(Math.random()));
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder unavailable = new LongAdder();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    private RedisCounters(RedisClient client, StatefulRedisConnection<String, String> connection) {
        this.client = client;
        this.connection = connection;
        this.slidingWindowSha = connection.sync().scriptLoad(SLIDING_WINDOW_LUA);
    }

    /**
     * Connects to Redis and loads the scripts.
     *
     * @param uri            e.g. {@code redis://127.0.0.1:6379} (or {@code rediss://} for TLS)
     * @param commandTimeout how long one check may wait for Redis before the policy applies
     * @return the connected store
     * @throws RedisException if Redis cannot be reached at start-up (start-up fails loudly; later outages do not)
     */
    public static RedisCounters connect(String uri, Duration commandTimeout) {
        RedisURI redisUri = RedisURI.create(Objects.requireNonNull(uri, "uri"));
        // Start-up (connect + SCRIPT LOAD on a cold JVM) gets a generous timeout; checks get commandTimeout.
        redisUri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(redisUri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled())
                .build());
        try {
            RedisCounters counters = new RedisCounters(client, client.connect());
            counters.connection.setTimeout(commandTimeout);
            return counters;
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /**
     * @param name   the limit's name (part of every counter key, so two limits never share counters)
     * @param max    permits per window
     * @param window the window, at least 1 ms
     * @param policy what to do when Redis cannot be asked
     * @return a cluster-wide sliding-window limiter
     */
    public RedisSlidingWindow slidingWindow(String name, int max, Duration window, UnavailablePolicy policy) {
        return new RedisSlidingWindow(this, name, max, window, policy);
    }

    /** @return how many checks could not ask Redis (each one applied its policy) */
    public long unavailableEvents() {
        return unavailable.sum();
    }

    /** Runs the sliding-window script. @return {allowed, remaining, retryMillis} @throws RedisException */
    long[] slidingWindow(String counterKey, long windowMillis, int max) {
        String member = node + ':' + sequence.incrementAndGet();
        RedisCommands<String, String> redis = connection.sync();
        String[] keys = {counterKey};
        List<Long> reply;
        try {
            reply = redis.evalsha(slidingWindowSha, ScriptOutputType.MULTI, keys,
                    Long.toString(windowMillis), Integer.toString(max), member);
        } catch (RedisNoScriptException e) {
            // Redis restarted (or SCRIPT FLUSH): the script cache is empty; EVAL loads it again.
            reply = redis.eval(SLIDING_WINDOW_LUA, ScriptOutputType.MULTI, keys,
                    Long.toString(windowMillis), Integer.toString(max), member);
        }
        return new long[] {reply.get(0), reply.get(1), reply.get(2)};
    }

    /** Counts and (rate-limited) logs one check that could not reach Redis. */
    void unavailable(String limitName, UnavailablePolicy policy, RuntimeException cause) {
        unavailable.increment();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.atWarn().setMessage("rate limit store unreachable; applying policy")
                    .addKeyValue("limit", limitName)
                    .addKeyValue("policy", policy)
                    .addKeyValue("error", cause.getClass().getSimpleName())
                    .addKeyValue("unavailableTotal", unavailable.sum())
                    .log();
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Override
    public String toString() {
        return "RedisCounters[node=" + node + "]";
    }
}
