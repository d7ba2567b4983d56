package dev.aegis.sdk.api.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit client against a real HTTP stub of {@code POST /audit/v1/events}. */
class AuditClientTest {
    private HttpServer server;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int refuseFirst;
    private volatile CountDownLatch stall = new CountDownLatch(0);
    private URI base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/audit/v1/events", exchange -> {
            try {
                stall.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean ok = n > refuseFirst && "Bearer svc-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            if (ok) {
                try {
                    List<Object> events = JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8)), "events");
                    received.addAndGet(events.size());
                } catch (java.text.ParseException e) {
                    ok = false;
                }
            }
            exchange.sendResponseHeaders(ok ? 202 : 503, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void eventsAreSentInBatchesAndCountedAsSent() {
        try (AuditClient client = AuditClient.start(HttpClient.newHttpClient(), base, () -> "svc-token",
                new AuditClient.Settings(1000, 50, Duration.ofMillis(20), Duration.ofMillis(50)))) {
            for (int i = 0; i < 120; i++) {
                assertTrue(client.record(ServiceAuditEvent.allow("orders.read", "alice", "/orders/" + i, "req-" + i)));
            }
            client.close(Duration.ofSeconds(5));
            assertEquals(120, client.sent());
            assertEquals(120, received.get());
            assertTrue(requests.get() >= 3 && requests.get() < 120, "batched: " + requests.get() + " requests");
            assertEquals(0, client.dropped());
        }
    }

    @Test
    void aRefusedBatchIsRetriedUntilTheControlPlaneTakesIt() {
        refuseFirst = 2;
        try (AuditClient client = AuditClient.start(HttpClient.newHttpClient(), base, () -> "svc-token",
                AuditClient.Settings.defaults())) {
            client.record(new ServiceAuditEvent("payments.charge", "DENY", "bob", "/charge", "insufficient scope",
                    "r1", java.time.Instant.now(), Map.of("scope", "payments:read")));
            client.close(Duration.ofSeconds(5));
            assertEquals(1, client.sent());
            assertEquals(2, client.retries());
        }
    }

    @Test
    void aFullBufferBlocksBrieflyThenDropsAndCountsNeverSilently() throws Exception {
        stall = new CountDownLatch(1); // the control plane hangs
        try (AuditClient client = AuditClient.start(HttpClient.newHttpClient(), base, () -> "svc-token",
                new AuditClient.Settings(5, 5, Duration.ofMillis(10), Duration.ofMillis(30)))) {
            int buffered = 0;
            for (int i = 0; i < 20; i++) {
                if (client.record(ServiceAuditEvent.allow("orders.read", "alice", "/o", "r"))) {
                    buffered++;
                }
            }
            assertTrue(client.dropped() > 0);
            assertEquals(20, buffered + client.dropped(), "every event is either buffered or counted as dropped");
            stall.countDown();
            client.close(Duration.ofSeconds(5));
            assertEquals(buffered, client.sent());
        }
    }

    @Test
    void invalidDecisionsAreRefusedBeforeBuffering() {
        assertFalse(catchIllegal(() -> new ServiceAuditEvent("a", "MAYBE", null, null, null, null, java.time.Instant.now(), Map.of())));
    }

    private static boolean catchIllegal(Runnable r) {
        try {
            r.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
