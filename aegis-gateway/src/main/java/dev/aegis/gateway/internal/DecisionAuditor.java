package dev.aegis.gateway.internal;

import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes every allow/deny decision off the request path: the request thread only offers the event to a
 * bounded queue; {@code WRITERS} batch writers each take what has queued (after the first event of a batch
 * they sleep {@code LINGER_MILLIS} once so the batch fills, at most {@code MAX_BATCH}) and hand it to
 * {@link AuditLog#recordAll} in one call, so the hash-chained log commits one group per batch instead of one
 * handoff per decision.
 *
 * <p>Never silent: when the queue stays full for the offer timeout the request is refused by the caller
 * (backpressure, {@link #submit} returns false) and counted; a batch the audit log refuses is counted per event
 * and logged. Thread-safe.
 */
final class DecisionAuditor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionAuditor.class);
    /** Two writers: one batch commits while the next one fills. */
    private static final int WRITERS = 2;
    /** The audit log's default group-commit size (AuditSettings.maxBatchSize). */
    private static final int MAX_BATCH = 500;
    private static final long LINGER_MILLIS = 10;

    private final AuditLog audit;
    private final BlockingQueue<AuditEvent> queue;
    private final LongAdder refused = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final Thread[] workers = new Thread[WRITERS];
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

    /** @return how many batches were handed to the audit log (decisions / batches = mean batch size) */
    long batches() {
        return batches.sum();
    }

    int depth() {
        return queue.size();
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                if (queue.drainTo(batch, MAX_BATCH - 1) < MAX_BATCH - 1 && !closed) {
                    Thread.sleep(LINGER_MILLIS); // let the batch fill: one wake-up and one commit for many decisions
                    queue.drainTo(batch, MAX_BATCH - batch.size());
                }
            } catch (InterruptedException e) {
                if (closed && batch.isEmpty()) {
                    return;
                }
            }
            if (!batch.isEmpty()) {
                write(batch);
                batch.clear();
            }
        }
    }

    private void write(List<AuditEvent> batch) {
        batches.increment();
        try {
            audit.recordAll(batch);
        } catch (AuditUnavailableException | RuntimeException ex) {
            failed.add(batch.size());
            LOG.atError().setMessage("gateway decisions could not be audited").addKeyValue("events", batch.size())
                    .addKeyValue("firstRequestId", batch.get(0).requestId()).addKeyValue("error", ex.getMessage()).log();
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
