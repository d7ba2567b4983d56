package dev.aegis.identity.internal;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers one-time identifiers (client assertion {@code jti}, RFC 7523 §3 item 7) until they expire, so a
 * replayed one is refused. Bounded: when full, new identifiers are refused (fail closed) until expired ones
 * are purged. Per node: in a cluster an assertion replayed at another node within its (short) lifetime is
 * caught only there.
 *
 * <p>Thread-safe.
 */
final class ReplayCache {

    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int capacity;
    private final AtomicLong lastPurge = new AtomicLong();

    ReplayCache(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * @param id           the identifier (scoped by the caller, e.g. client id + jti)
     * @param expiresEpoch when it stops mattering (epoch seconds)
     * @return true the first time, false for a replay or when the cache is full
     */
    boolean firstUse(String id, long expiresEpoch) {
        long now = clock.instant().getEpochSecond();
        purge(now);
        if (seen.size() >= capacity) {
            return false;
        }
        return seen.putIfAbsent(id, expiresEpoch) == null;
    }

    private void purge(long now) {
        long last = lastPurge.get();
        if (now - last < 10 || !lastPurge.compareAndSet(last, now)) {
            return;
        }
        for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() < now - 60) {
                it.remove();
            }
        }
    }
}
