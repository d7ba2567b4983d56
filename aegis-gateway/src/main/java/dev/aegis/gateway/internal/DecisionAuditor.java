package dev.aegis.gateway.internal;

import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes every allow/deny decision off the request path: the request thread only offers the event to a
 * bounded queue; one drainer hands events to {@link AuditLog#record} on virtual threads (at most
 * {@code IN_FLIGHT} at once, so the log's group commit sees full batches even in fail-closed mode).
 *
 * <p>Never silent: when the queue stays full for the offer timeout the request is refused by the caller
 * (backpressure, {@link #submit} returns false) and counted; an event the audit log refuses is counted and
 * logged. Thread-safe.
 *
 * <p>{@code IN_FLIGHT} long-lived virtual threads take events from the queue and call {@link AuditLog#record}
 * (which, fail-closed, waits for the event's batch to be durable): no thread is created per event, and up to
 * {@code IN_FLIGHT} events wait in the same group-commit batch.
 */
final class DecisionAuditor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionAuditor.class);
    private static final int IN_FLIGHT = 256;

    private final AuditLog audit;
    private final BlockingQueue<AuditEvent> queue;
    private final LongAdder refused = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Thread[] workers = new Thread[IN_FLIGHT];
    private volatile boolean closed;

    DecisionAuditor(AuditLog audit, int capacity) {
        this.audit = audit;
        this.queue = new ArrayBlockingQueue<>(capacity);
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofVirtual().name("aegis-gateway-audit-" + i).start(this::drain);
        }
    }

    /** @return false if the event could not be queued within 1 s: the caller must refuse the request */
    boolean submit(AuditEvent event) {
        if (queue.offer(event)) {
            return true;
        }
        try {
            if (!closed && queue.offer(event, 1, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refused.increment();
        return false;
    }

    long refusedForBackpressure() {
        return refused.sum();
    }

    long failedWrites() {
        return failed.sum();
    }

    int depth() {
        return queue.size();
    }

    private void drain() {
        while (!closed || !queue.isEmpty()) {
            AuditEvent event;
            try {
                event = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (event == null) {
                continue;
            }
            try {
                audit.record(event);
            } catch (AuditUnavailableException | RuntimeException ex) {
                failed.increment();
                LOG.atError().setMessage("gateway decision could not be audited")
                        .addKeyValue("requestId", event.requestId()).addKeyValue("error", ex.getMessage()).log();
            }
        }
    }

    /** Drains what is queued (bounded: 10 s), then stops. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        try {
            for (Thread w : workers) {
                w.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
