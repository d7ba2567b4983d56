package dev.aegis.store.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.store.api.TestDatabase.BothDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventBusTest {

    private static final Duration RETENTION = Duration.ofHours(24);

    @TempDir
    Path tmp;

    @BothDatabases
    void publishedEventIsDeliveredToMatchingSubscribersBeforePublishReturns(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp)); EventBus bus = new EventBus(store, Clock.systemUTC(), RETENTION)) {
            List<PlatformEvent> tokens = new CopyOnWriteArrayList<>();
            List<PlatformEvent> all = new CopyOnWriteArrayList<>();
            bus.subscribe("token.", bus.latestSequence(), tokens::add);
            bus.subscribe("", bus.latestSequence(), all::add);

            long first = bus.publish(PlatformEvent.TOKEN_REVOKED, "jti-1", Map.of("exp", "1700000000", "client_id", "c 1&x"));
            bus.publish(PlatformEvent.SVID_REVOKED, "0a1b", Map.of());

            assertEquals(1, tokens.size());
            PlatformEvent e = tokens.get(0);
            assertEquals(first, e.sequence());
            assertEquals("jti-1", e.subject());
            assertEquals(Map.of("exp", "1700000000", "client_id", "c 1&x"), e.attributes()); // encoding round-trips
            assertEquals(List.of(PlatformEvent.TOKEN_REVOKED, PlatformEvent.SVID_REVOKED),
                    all.stream().map(PlatformEvent::topic).toList());
        }
    }

    @BothDatabases
    void aLateSubscriberIsReplayedWhatItMissedThenGetsNewEventsOnce(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp)); EventBus bus = new EventBus(store, Clock.systemUTC(), RETENTION)) {
            long s1 = bus.publish(PlatformEvent.TOKEN_REVOKED, "a", Map.of());
            bus.publish(PlatformEvent.TOKEN_REVOKED, "b", Map.of());
            List<String> seen = new CopyOnWriteArrayList<>();
            bus.subscribe("", s1, e -> seen.add(e.subject()));
            bus.publish(PlatformEvent.TOKEN_REVOKED, "c", Map.of());
            bus.deliverNew(); // a poll after a publish must not deliver "c" again
            assertEquals(List.of("b", "c"), seen);
        }
    }

    @BothDatabases
    void eventsPublishedOnOneNodeReachTheOtherNodeByPolling(TestDatabase db) throws Exception {
        StoreConfig config = db.freshConfig(tmp);
        try (Store a = Store.open(config); Store b = Store.open(config);
             EventBus busA = new EventBus(a, Clock.systemUTC(), RETENTION);
             EventBus busB = new EventBus(b, Clock.systemUTC(), RETENTION)) {
            CountDownLatch arrived = new CountDownLatch(1);
            busB.subscribe(PlatformEvent.WORKLOAD_REVOKED, busB.latestSequence(), e -> arrived.countDown());
            busB.startPolling(Duration.ofMillis(20));
            busA.publish(PlatformEvent.WORKLOAD_REVOKED, "spiffe://example.org/payments", Map.of());
            assertTrue(arrived.await(5, TimeUnit.SECONDS), "node B never saw node A's event");
        }
    }

    @BothDatabases
    void concurrentPublishersGetGapFreeSequencesDeliveredInOrder(TestDatabase db) throws Exception {
        try (Store store = Store.open(db.freshConfig(tmp)); EventBus bus = new EventBus(store, Clock.systemUTC(), RETENTION)) {
            List<Long> seen = Collections.synchronizedList(new ArrayList<>());
            bus.subscribe("", 0, e -> seen.add(e.sequence()));
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 25; i++) {
                        bus.publish(PlatformEvent.AUTHZ_CHANGED, "t" + id + "-" + i, Map.of());
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            bus.deliverNew();
            List<Long> expected = new ArrayList<>();
            for (long s = 1; s <= 200; s++) {
                expected.add(s);
            }
            assertEquals(expected, seen);
        }
    }

    @BothDatabases
    void eventsOlderThanTheRetentionArePruned(TestDatabase db) {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        try (Store store = Store.open(db.freshConfig(tmp))) {
            new EventBus(store, Clock.fixed(t0, ZoneOffset.UTC), RETENTION).publish(PlatformEvent.TOKEN_REVOKED, "old", Map.of());
            EventBus later = new EventBus(store, Clock.fixed(t0.plus(RETENTION).plusSeconds(1), ZoneOffset.UTC), RETENTION);
            later.publish(PlatformEvent.TOKEN_REVOKED, "new", Map.of());
            assertEquals(1, later.prune());
            List<String> replayed = new ArrayList<>();
            later.subscribe("", 0, e -> replayed.add(e.subject()));
            assertEquals(List.of("new"), replayed);
        }
    }

    @Test
    void badTopicsAndSubjectsAreRefusedBeforeAnythingIsWritten() {
        assertThrows(IllegalArgumentException.class, () -> PlatformEvent.checkTopic("Token.Revoked"));
        assertThrows(IllegalArgumentException.class, () -> PlatformEvent.checkTopic(""));
        assertThrows(IllegalArgumentException.class, () -> PlatformEvent.checkSubject("x".repeat(1025)));
        assertThrows(IllegalArgumentException.class, () -> EventBus.encode(Map.of("k", "v".repeat(9000))));
    }

    @BothDatabases
    void aThrowingListenerKeepsItsSubscriptionAndDoesNotStopOthers(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp)); EventBus bus = new EventBus(store, Clock.systemUTC(), RETENTION)) {
            List<String> thrower = new CopyOnWriteArrayList<>();
            List<String> other = new CopyOnWriteArrayList<>();
            bus.subscribe("", 0, e -> {
                thrower.add(e.subject());
                throw new IllegalStateException("listener bug");
            });
            EventBus.Subscription closed = bus.subscribe("", 0, e -> other.add("closed:" + e.subject()));
            bus.subscribe("", 0, e -> other.add(e.subject()));
            closed.close();
            bus.publish(PlatformEvent.APIKEY_REVOKED, "k1", Map.of());
            bus.publish(PlatformEvent.APIKEY_REVOKED, "k2", Map.of());
            assertEquals(List.of("k1", "k2"), thrower);
            assertEquals(List.of("k1", "k2"), other);
        }
    }
}
