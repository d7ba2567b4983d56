package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditFailureMode;
import dev.aegis.audit.api.AuditRecord;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.audit.api.AuditSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single audit writer thread: takes a batch from the bounded queue, commits it through the
 * {@link ChainCommitter} (one transaction, chain head locked), hands it to the extra sinks, then completes the
 * waiting callers; signs a checkpoint every N records or T seconds.
 *
 * <p>Runs in its own platform thread (one long-lived thread, so nothing to gain from a virtual one). The queue
 * is shared with {@code AuditLog}; everything else here is confined to the writer thread, except
 * {@link #stopAfterDrain()} and the counters.
 */
public final class GroupCommitWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final long POLL_MILLIS = 200;

    private final AuditSettings settings;
    private final BlockingQueue<PendingEvent> queue;
    private final ChainCommitter committer;
    private final List<AuditSink> sinks;
    private final CheckpointWriter checkpoints;
    private final AuditCounters counters;
    private volatile boolean stopping;

    private AuditRecord lastWritten;
    private long uncheckpointed;
    private long lastCheckpointNanos = System.nanoTime();

    /**
     * @param settings    batch size, failure mode, checkpoint policy
     * @param queue       the bounded queue {@code AuditLog} fills
     * @param committer   the database transaction
     * @param sinks       extra sinks, written after the commit
     * @param checkpoints signs checkpoints
     * @param counters    shared counters
     */
    public GroupCommitWriter(AuditSettings settings, BlockingQueue<PendingEvent> queue, ChainCommitter committer,
                             List<AuditSink> sinks, CheckpointWriter checkpoints, AuditCounters counters) {
        this.settings = settings;
        this.queue = queue;
        this.committer = committer;
        this.sinks = List.copyOf(sinks);
        this.checkpoints = checkpoints;
        this.counters = counters;
    }

    /** Asks the loop to finish once the queue is empty; the caller then joins the thread. */
    public void stopAfterDrain() {
        stopping = true;
    }

    @Override
    public void run() {
        List<PendingEvent> batch = new ArrayList<>(settings.maxBatchSize());
        while (true) {
            PendingEvent first;
            try {
                first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // Interrupt means "stop now": close() interrupts only after its drain deadline passed.
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                if (stopping) {
                    checkpointIfDue(true);
                    return;
                }
                checkpointIfDue(false);
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, settings.maxBatchSize() - 1);
            writeBatch(batch);
            batch.clear();
            checkpointIfDue(false);
        }
    }

    private void writeBatch(List<PendingEvent> batch) {
        List<AuditEvent> events = new ArrayList<>(batch.size());
        for (PendingEvent p : batch) {
            events.add(p.event());
        }
        List<AuditRecord> records;
        try {
            records = committer.commit(events);
        } catch (RuntimeException e) {
            fail(batch, "database", e);
            return;
        }
        lastWritten = records.get(records.size() - 1);
        counters.lastSequence.set(lastWritten.sequence());
        uncheckpointed += records.size();
        Exception sinkFailure = null;
        String failedSink = null;
        for (AuditSink sink : sinks) {
            try {
                sink.write(records);
            } catch (Exception e) { // IOException or a sink's bug: both mean "not durable there"
                sinkFailure = e;
                failedSink = sink.name();
            }
        }
        if (sinkFailure != null) {
            fail(batch, failedSink, sinkFailure);
            return;
        }
        counters.recorded.add(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(records.get(i));
        }
    }

    private void fail(List<PendingEvent> batch, String sink, Exception cause) {
        counters.sinkFailures.increment();
        if (settings.failureMode() == AuditFailureMode.FAIL_OPEN) {
            counters.failedOpen.add(batch.size());
        }
        // The message names the sink and exception type only: a driver message may quote values.
        LOG.atWarn().setMessage("audit batch not durable")
                .addKeyValue("sink", sink)
                .addKeyValue("events", batch.size())
                .addKeyValue("failureMode", settings.failureMode())
                .addKeyValue("error", cause.getClass().getName())
                .log();
        SinkFailedException failure = new SinkFailedException(sink, cause);
        for (PendingEvent p : batch) {
            p.done().completeExceptionally(failure);
        }
    }

    private void checkpointIfDue(boolean force) {
        if (lastWritten == null || uncheckpointed == 0) {
            return;
        }
        boolean due = force || uncheckpointed >= settings.checkpointEveryRecords()
                || System.nanoTime() - lastCheckpointNanos >= settings.checkpointInterval().toNanos();
        if (!due) {
            return;
        }
        try {
            checkpoints.write(lastWritten);
            counters.checkpoints.increment();
            uncheckpointed = 0;
        } catch (RuntimeException e) {
            counters.checkpointFailures.increment();
            LOG.atWarn().setMessage("audit checkpoint failed; retrying with the next batch")
                    .addKeyValue("seq", lastWritten.sequence())
                    .addKeyValue("error", e.getClass().getName())
                    .log();
        }
        // Also after a failure: retry at the next interval, not in a tight loop.
        lastCheckpointNanos = System.nanoTime();
    }

    /** Why a batch was not acknowledged: which sink failed. */
    public static final class SinkFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String sink;

        SinkFailedException(String sink, Throwable cause) {
            super("audit sink " + sink + " failed", cause);
            this.sink = sink;
        }

        /** @return the failed sink's name */
        public String sink() {
            return sink;
        }
    }
}
