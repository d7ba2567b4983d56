package dev.aegis.sdk.api.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final DecisionCache cache = new DecisionCache(8, 1_000, now::get);

    @Test
    void anAnswerInFlightDuringAChangeIsNotStored() {
        long started = cache.epoch();
        cache.changed(7); // a revoke committed while the check was on the wire
        cache.put("alice", true, 6, started);
        assertNull(cache.get("alice", 0), "the pre-revoke allow must not come back");
        assertEquals(7, cache.floor());
    }

    @Test
    void aChangeDropsEveryEntry() {
        cache.put("alice", true, 3, cache.epoch());
        assertNotNull(cache.get("alice", 0));
        cache.changed(4);
        assertNull(cache.get("alice", 0));
        assertEquals(1, cache.invalidations());
    }

    @Test
    void aChangeTheCachedAnswerAlreadyContainsKeepsIt() {
        cache.put("alice", true, 5, cache.epoch());
        cache.changed(5); // e.g. the event of the write whose snapshot answered, arriving after the answer
        assertNotNull(cache.get("alice", 0));
        assertEquals(0, cache.invalidations());
    }

    @Test
    void aReconnectionDropsEverything() {
        cache.put("alice", true, 5, cache.epoch());
        cache.invalidate();
        assertNull(cache.get("alice", 0));
    }

    @Test
    void anEntryOlderThanTheRequiredTokenIsNotServed() {
        cache.put("alice", true, 3, cache.epoch());
        assertNull(cache.get("alice", 4));
        assertNotNull(cache.get("alice", 3));
    }

    @Test
    void anAnswerOlderThanKnownStateIsNotStored() {
        cache.noteSeen(9);
        cache.put("alice", true, 8, cache.epoch());
        assertNull(cache.get("alice", 0));
    }

    @Test
    void entriesExpireAfterMaxAge() {
        cache.put("alice", true, 1, cache.epoch());
        now.addAndGet(1_001);
        assertNull(cache.get("alice", 0));
    }

    @Test
    void theCacheStaysBounded() {
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, true, 1, cache.epoch());
        }
        assertTrue(cache.size() <= 8, "size " + cache.size());
    }

    @Test
    void consistencyTokensParseStrictly() {
        assertEquals(42, AuthzClient.sequence("z42"));
        assertEquals(-1, AuthzClient.sequence("42"));
        assertEquals(-1, AuthzClient.sequence("z4x"));
        assertEquals(-1, AuthzClient.sequence("z"));
    }
}
