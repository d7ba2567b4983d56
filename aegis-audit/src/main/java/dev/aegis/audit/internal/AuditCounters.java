package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditStats;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The mutable counters behind {@link AuditStats}. Thread-safe. */
public final class AuditCounters {
    /** Events durable in every sink. */
    public final LongAdder recorded = new LongAdder();
    /** Fail-closed {@code record} calls that threw. */
    public final LongAdder failedClosed = new LongAdder();
    /** Fail-open events allowed without a durable record. */
    public final LongAdder failedOpen = new LongAdder();
    /** Batches a sink failed to write. */
    public final LongAdder sinkFailures = new LongAdder();
    /** Checkpoints written. */
    public final LongAdder checkpoints = new LongAdder();
    /** Checkpoints that failed. */
    public final LongAdder checkpointFailures = new LongAdder();
    /** Last sequence number written by this node. */
    public final AtomicLong lastSequence = new AtomicLong();

    /** @return a snapshot */
    public AuditStats snapshot(int queueDepth) {
        return new AuditStats(recorded.sum(), failedClosed.sum(), failedOpen.sum(), sinkFailures.sum(),
                checkpoints.sum(), checkpointFailures.sum(), queueDepth, lastSequence.get());
    }
}
