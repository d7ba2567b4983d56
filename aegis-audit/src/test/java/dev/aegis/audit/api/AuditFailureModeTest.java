package dev.aegis.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.SecretBytes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fail-closed and fail-open behaviour with failure injected precisely (stub storage); the database-backed
 * variants are in {@link AuditLogDatabaseTest}.
 */
class AuditFailureModeTest {

    private static final AuditSettings CLOSED = AuditSettings.defaults().withRecordTimeout(Duration.ofSeconds(2));
    private static final AuditSettings OPEN = CLOSED.withFailureMode(AuditFailureMode.FAIL_OPEN);

    private static AuditLog start(AuditSettings settings, InMemoryChain chain, AuditSink... sinks) {
        return AuditLog.startWith(settings, chain, last -> { }, List.of(sinks),
                new HmacFingerprint(SecretBytes.random(32)));
    }

    private static AuditEvent event() {
        return AuditEvent.builder("token.issue").actor("alice").build();
    }

    static final AuditSink THROWING = new AuditSink() {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public void write(List<AuditRecord> batch) throws IOException {
            throw new IOException("disk full");
        }
    };

    @Test
    void failClosedDatabaseFailureMakesRecordThrowAndAcknowledgesNothing() {
        InMemoryChain chain = new InMemoryChain();
        chain.failing = true;
        try (AuditLog log = start(CLOSED, chain)) {
            AuditUnavailableException e = assertThrows(AuditUnavailableException.class, () -> log.record(event()));
            assertEquals("audit trail write failed", e.getMessage());
            assertEquals(0, log.stats().recorded());
            assertEquals(1, log.stats().failedClosed());
            assertEquals(1, log.stats().sinkFailures());
        }
    }

    @Test
    void failClosedExtraSinkFailureMakesRecordThrow() {
        try (AuditLog log = start(CLOSED, new InMemoryChain(), THROWING)) {
            assertThrows(AuditUnavailableException.class, () -> log.record(event()));
            assertEquals(0, log.stats().recorded());
        }
    }

    @Test
    void failClosedStalledSinkTimesOutWithinTheBound() {
        InMemoryChain chain = new InMemoryChain();
        chain.stallMillis = 3_000;
        AuditSettings fast = CLOSED.withRecordTimeout(Duration.ofMillis(300));
        try (AuditLog log = start(fast, chain)) {
            long start = System.nanoTime();
            AuditUnavailableException e = assertThrows(AuditUnavailableException.class, () -> log.record(event()));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis < 2_000, "took " + tookMillis + " ms");
            assertTrue(e.getMessage().startsWith("audit trail not durable within"), e.getMessage());
        }
    }

    @Test
    void failClosedFullQueueIsRefused() throws Exception {
        InMemoryChain chain = new InMemoryChain();
        chain.stallMillis = 1_000;
        AuditSettings tiny = CLOSED.withQueue(1, 1).withRecordTimeout(Duration.ofMillis(200));
        try (AuditLog log = start(tiny, chain)) {
            CountDownLatch started = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) { // one held by the stalled writer, one fills the queue
                Thread.ofVirtual().start(() -> {
                    started.countDown();
                    try {
                        log.record(event());
                    } catch (AuditUnavailableException ignored) {
                        // expected for some
                    }
                });
            }
            started.await();
            Thread.sleep(50);
            AuditUnavailableException e = assertThrows(AuditUnavailableException.class, () -> log.record(event()));
            assertTrue(e.getMessage().equals("audit queue is full")
                    || e.getMessage().startsWith("audit trail not durable"), e.getMessage());
        }
    }

    @Test
    void failClosedRecordAfterCloseThrows() {
        AuditLog log = start(CLOSED, new InMemoryChain());
        log.close();
        assertEquals("audit log is closed",
                assertThrows(AuditUnavailableException.class, () -> log.record(event())).getMessage());
    }

    @Test
    void failOpenSinkFailureIsCountedNotThrown() throws Exception {
        try (AuditLog log = start(OPEN, new InMemoryChain(), THROWING)) {
            for (int i = 0; i < 5; i++) {
                log.record(event());
            }
            waitFor(() -> log.stats().failedOpen() == 5);
            assertEquals(0, log.stats().recorded());
            assertEquals(0, log.stats().failedClosed());
        }
    }

    @Test
    void failOpenFullQueueIsCountedNotThrown() throws Exception {
        InMemoryChain chain = new InMemoryChain();
        chain.stallMillis = 500;
        try (AuditLog log = start(OPEN.withQueue(1, 1), chain)) {
            for (int i = 0; i < 10; i++) {
                log.record(event());
            }
            assertTrue(log.stats().failedOpen() >= 8, log.stats().toString());
        }
    }

    @Test
    void closeDrainsQueuedEvents() throws Exception {
        InMemoryChain chain = new InMemoryChain();
        AuditLog log = start(OPEN, chain);
        for (int i = 0; i < 100; i++) {
            log.record(event());
        }
        log.close();
        assertEquals(100, chain.records().size());
        assertEquals(100, log.stats().recorded());
    }

    @Test
    void checkpointIsSignedAfterTheIntervalEvenWithFewRecords() throws Exception {
        java.util.concurrent.atomic.AtomicLong signedAt = new java.util.concurrent.atomic.AtomicLong();
        AuditSettings settings = CLOSED.withCheckpoints(1_000, Duration.ofSeconds(1));
        try (AuditLog log = AuditLog.startWith(settings, new InMemoryChain(), last -> signedAt.set(last.sequence()),
                List.of(), new HmacFingerprint(SecretBytes.random(32)))) {
            log.record(event());
            log.record(event());
            waitFor(() -> log.stats().checkpoints() == 1);
            assertEquals(2, signedAt.get());
        }
    }

    @Test
    void stdoutStyleStreamSinkWritesOneLinePerRecord() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.to(out, "memory");
             AuditLog log = start(CLOSED, new InMemoryChain(), sink)) {
            log.record(event());
            log.record(event());
        }
        String[] lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[1].startsWith("{\"seq\":2,"), lines[1]);
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 10 s");
            }
            Thread.sleep(10);
        }
    }
}
