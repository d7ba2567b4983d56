package dev.aegis.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.SecretBytes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link AuditLog#enqueue}: queued without waiting for durability, but never lost silently. */
class AuditEnqueueTest {

    private static final AuditSettings SETTINGS = AuditSettings.defaults().withRecordTimeout(Duration.ofMillis(300));

    private static AuditLog start(AuditSettings settings, InMemoryChain chain) {
        return AuditLog.startWith(settings, chain, last -> { }, List.of(), new HmacFingerprint(SecretBytes.random(32)));
    }

    private static AuditEvent denial(int i) {
        return AuditEvent.builder("authz.check").actor("svc").resource("doc:" + i + "#viewer")
                .decision(AuditDecision.DENY).build();
    }

    @Test
    void enqueueReturnsBeforeTheGroupCommitAndCompletesWithTheChainedRecord() throws Exception {
        InMemoryChain chain = new InMemoryChain();
        chain.stallMillis = 1_000;
        try (AuditLog log = start(SETTINGS, chain)) {
            long start = System.nanoTime();
            CompletableFuture<AuditRecord> done = log.enqueue(denial(1));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis < 500, "the caller did not wait for the stalled commit: " + tookMillis + " ms");
            AuditRecord record = done.get(5, TimeUnit.SECONDS);
            assertEquals("doc:1#viewer", record.event().resource());
            assertEquals(1, log.stats().recorded());
        }
    }

    @Test
    void aFullQueueMakesTheCallerWaitThenRefusesLoudly() throws Exception {
        InMemoryChain chain = new InMemoryChain();
        chain.stallMillis = 3_000;
        try (AuditLog log = start(SETTINGS.withQueue(1, 1), chain)) {
            log.enqueue(denial(1)); // taken by the writer, which stalls in its commit
            Thread.sleep(200);
            log.enqueue(denial(2)); // fills the queue
            long start = System.nanoTime();
            AuditUnavailableException e = assertThrows(AuditUnavailableException.class, () -> log.enqueue(denial(3)));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("audit queue is full", e.getMessage());
            assertTrue(waitedMillis >= 250, "backpressure: waited for space for " + waitedMillis + " ms");
            assertEquals(1, log.stats().failedClosed(), "the refused event is counted");
        }
    }

    @Test
    void aFailedWriteCompletesTheFutureExceptionallyAndIsCounted() throws Exception {
        InMemoryChain chain = new InMemoryChain();
        chain.failing = true;
        try (AuditLog log = start(SETTINGS, chain)) {
            CompletableFuture<AuditRecord> done = log.enqueue(denial(1));
            assertThrows(ExecutionException.class, () -> done.get(5, TimeUnit.SECONDS));
            assertEquals(1, log.stats().sinkFailures());
            assertEquals(0, log.stats().recorded());
        }
    }

    @Test
    void enqueueOnAClosedLogThrows() {
        AuditLog log = start(SETTINGS, new InMemoryChain());
        log.close();
        assertThrows(AuditUnavailableException.class, () -> log.enqueue(denial(1)));
    }
}
