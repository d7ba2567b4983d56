package dev.aegis.audit.api;

import dev.aegis.audit.internal.AuditCounters;
import dev.aegis.audit.internal.AuditSigningKeys;
import dev.aegis.audit.internal.ChainCommitter;
import dev.aegis.audit.internal.CheckpointSigner;
import dev.aegis.audit.internal.CheckpointWriter;
import dev.aegis.audit.internal.GroupCommitWriter;
import dev.aegis.audit.internal.JdbcAuditRecords;
import dev.aegis.audit.internal.PendingEvent;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tamper-evident audit trail: events go to a bounded queue; ONE writer thread takes them in batches and,
 * in one database transaction per batch (group commit), locks the chain head row, assigns sequence numbers,
 * computes {@code hash_n = SHA-256(hash_{n-1} || canonical(record_n))}, inserts the batch and moves the head;
 * then it writes the batch to the extra sinks (JSON lines) and completes the waiting callers. Every N records or
 * T seconds it signs a checkpoint (JWS over {@code seq}, {@code hash}, {@code time}) with the {@code "audit"}
 * key ring.
 *
 * <p>Failure handling is never silent ({@link AuditFailureMode}): fail-closed {@link #record} waits until its
 * batch is durable in the database and every extra sink, bounded by {@link AuditSettings#recordTimeout()}, and
 * throws otherwise; fail-open {@link #record} returns at once and failures are counted in {@link #stats()}.
 *
 * <p>Thread-safe: call {@link #record} from any number of (virtual) threads. {@link #close()} stops accepting
 * events, drains the queue (bounded by the record timeout), signs a final checkpoint and stops the writer; it
 * does not close the store or the extra sinks.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final AuditSettings settings;
    private final BlockingQueue<PendingEvent> queue;
    private final GroupCommitWriter writer;
    private final Thread writerThread;
    private final AuditCounters counters;
    private final HmacFingerprint fingerprints;
    private final AtomicLong lastOpenWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private volatile boolean closed;

    AuditLog(AuditSettings settings, ChainCommitter committer, CheckpointWriter checkpoints,
             List<AuditSink> extraSinks, HmacFingerprint fingerprints) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.counters = new AuditCounters();
        this.fingerprints = fingerprints;
        this.writer = new GroupCommitWriter(settings, queue, committer, List.copyOf(extraSinks), checkpoints, counters);
        this.writerThread = Thread.ofPlatform().name("aegis-audit-writer").daemon(true).unstarted(writer);
    }

    /**
     * Starts the audit log: ensures the chain head row exists, loads (or creates) the {@code "audit"} signing
     * ring and the fingerprint key, and starts the writer thread.
     *
     * @param settings   queue, batch, timeout, failure mode and checkpoint policy
     * @param store      the opened store (its migrations created the audit tables)
     * @param keys       key material: the {@code "audit"} ring signs checkpoints
     * @param extraSinks sinks written after each database commit, e.g. {@link JsonLinesAuditSink}; may be empty
     * @param clock      checkpoint signing time
     * @return the running log
     */
    public static AuditLog start(AuditSettings settings, Store store, KeyMaterialStore keys,
                                 List<AuditSink> extraSinks, Clock clock) {
        JdbcAuditRecords records = new JdbcAuditRecords(store);
        records.ensureHead();
        CheckpointSigner signer = new CheckpointSigner(store, AuditSigningKeys.bootstrap(keys, clock), clock);
        HmacFingerprint fingerprints = new HmacFingerprint(FingerprintKey.load(keys, FingerprintKey.AUDIT_RING, clock));
        AuditLog log = new AuditLog(settings, records, signer, extraSinks, fingerprints);
        log.writerThread.start();
        LOG.atInfo().setMessage("audit log started")
                .addKeyValue("failureMode", settings.failureMode())
                .addKeyValue("extraSinks", extraSinks.size())
                .log();
        return log;
    }

    /** Test seam: a log over stubbed storage, already started. */
    static AuditLog startWith(AuditSettings settings, ChainCommitter committer, CheckpointWriter checkpoints,
                              List<AuditSink> extraSinks, HmacFingerprint fingerprints) {
        AuditLog log = new AuditLog(settings, committer, checkpoints, extraSinks, fingerprints);
        log.writerThread.start();
        return log;
    }

    /**
     * Records one event.
     *
     * <p>{@link AuditFailureMode#FAIL_CLOSED}: returns only once the event is durable in every sink; throws when
     * the queue stays full, a sink fails, the log is closed or {@link AuditSettings#recordTimeout()} passes. The
     * caller must then fail the audited operation. {@link AuditFailureMode#FAIL_OPEN}: enqueues and returns at
     * once; never throws; an event that cannot be queued or written is counted and logged.
     *
     * @param event the event (no secret values: see {@link #fingerprint(String)})
     * @throws AuditUnavailableException fail-closed only, when the event is not known to be durable
     */
    public void record(AuditEvent event) throws AuditUnavailableException {
        Objects.requireNonNull(event, "event");
        PendingEvent pending = PendingEvent.of(event);
        if (settings.failureMode() == AuditFailureMode.FAIL_OPEN) {
            if (closed || !queue.offer(pending) || (closed && queue.remove(pending))) {
                countOpenFailure();
            }
            return;
        }
        long timeout = settings.recordTimeout().toNanos();
        long start = System.nanoTime();
        try {
            if (closed || !queue.offer(pending, timeout, TimeUnit.NANOSECONDS)) {
                throw unavailable(closed ? "audit log is closed" : "audit queue is full", null);
            }
            if (closed && queue.remove(pending)) { // closed while we queued: nobody will write it
                throw unavailable("audit log is closed", null);
            }
            pending.done().get(Math.max(0, timeout - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the audit trail", e);
        } catch (TimeoutException e) {
            throw unavailable("audit trail not durable within " + settings.recordTimeout(), e);
        } catch (ExecutionException e) {
            throw unavailable("audit trail write failed", e.getCause());
        }
    }

    /**
     * Queues one event without waiting for it to be durable: for outcomes that stand whatever the trail does
     * (a denial is refused either way), so the caller does not wait for a group commit. Never silent: a full
     * queue makes the caller wait for space (backpressure when the writer falls behind) for at most
     * {@link AuditSettings#recordTimeout()}, then throws; a write that fails completes the returned future
     * exceptionally and is counted in {@link #stats()} and logged by the writer, in either failure mode.
     *
     * @param event the event (no secret values: see {@link #fingerprint(String)})
     * @return completed with the chained record once every sink has it, or exceptionally when one failed
     * @throws AuditUnavailableException when the event could not be queued (queue full for the whole wait, or closed)
     */
    public CompletableFuture<AuditRecord> enqueue(AuditEvent event) throws AuditUnavailableException {
        Objects.requireNonNull(event, "event");
        PendingEvent pending = PendingEvent.of(event);
        try {
            if (closed || !queue.offer(pending, settings.recordTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw unavailable(closed ? "audit log is closed" : "audit queue is full", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for space in the audit queue", e);
        }
        if (closed && queue.remove(pending)) { // closed while we queued: nobody will write it
            throw unavailable("audit log is closed", null);
        }
        return pending.done();
    }

    /**
     * Records several events as one unit of waiting: all are queued first, then the call waits once for them to
     * be durable, so a batch from a service costs about one group commit, not one per event. Same failure rules
     * as {@link #record}; on failure some of the events may already be durable (a retry may record them twice,
     * which the trail tolerates: duplicates are visible, losses would not be).
     *
     * @param events the events, at most the queue's capacity
     * @throws AuditUnavailableException fail-closed only, when not every event is known to be durable
     */
    public void recordAll(java.util.List<AuditEvent> events) throws AuditUnavailableException {
        Objects.requireNonNull(events, "events");
        if (settings.failureMode() == AuditFailureMode.FAIL_OPEN) {
            for (AuditEvent event : events) {
                record(event);
            }
            return;
        }
        long timeout = settings.recordTimeout().toNanos();
        long start = System.nanoTime();
        java.util.List<PendingEvent> queued = new java.util.ArrayList<>(events.size());
        try {
            for (AuditEvent event : events) {
                PendingEvent pending = PendingEvent.of(Objects.requireNonNull(event, "event"));
                long left = Math.max(0, timeout - (System.nanoTime() - start));
                if (closed || !queue.offer(pending, left, TimeUnit.NANOSECONDS)) {
                    throw unavailable(closed ? "audit log is closed" : "audit queue is full", null);
                }
                queued.add(pending);
            }
            for (PendingEvent pending : queued) {
                pending.done().get(Math.max(0, timeout - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the audit trail", e);
        } catch (TimeoutException e) {
            throw unavailable("audit trail not durable within " + settings.recordTimeout(), e);
        } catch (ExecutionException e) {
            throw unavailable("audit trail write failed", e.getCause());
        }
    }

    /**
     * The keyed fingerprint of a secret, for audit details: {@code "hmac-sha256:" + base64url}. Recognisable
     * (the same secret gives the same fingerprint on every node, across restarts and master-key rotation) but
     * not reversible without the platform's fingerprint key, even for low-entropy secrets.
     *
     * @param secret the secret bytes; not retained
     * @return its fingerprint
     */
    public String fingerprint(byte[] secret) {
        return fingerprints.of(secret);
    }

    /**
     * @param secret the secret text (UTF-8); not retained
     * @return its fingerprint, as {@link #fingerprint(byte[])}
     */
    public String fingerprint(String secret) {
        return fingerprints.of(secret);
    }

    /** @return a snapshot of the counters */
    public AuditStats stats() {
        return counters.snapshot(queue.size());
    }

    /**
     * Stops accepting events, lets the writer drain the queue and sign a final checkpoint (waiting at most the
     * record timeout plus five seconds), then fails whatever is left. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writer.stopAfterDrain();
        try {
            writerThread.join(settings.recordTimeout().plusSeconds(5));
            if (writerThread.isAlive()) {
                writerThread.interrupt();
                writerThread.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (PendingEvent left; (left = queue.poll()) != null; ) {
            if (settings.failureMode() == AuditFailureMode.FAIL_OPEN) {
                countOpenFailure();
            }
            left.done().completeExceptionally(new IllegalStateException("audit log closed before writing"));
        }
        LOG.atInfo().setMessage("audit log closed").addKeyValue("lastSequence", counters.lastSequence.get()).log();
    }

    private AuditUnavailableException unavailable(String message, Throwable cause) {
        counters.failedClosed.increment();
        return new AuditUnavailableException(message, cause);
    }

    private void countOpenFailure() {
        counters.failedOpen.increment();
        long now = System.nanoTime();
        long last = lastOpenWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastOpenWarning.compareAndSet(last, now)) {
            LOG.atWarn().setMessage("audit event not recorded (fail-open): operation allowed without audit")
                    .addKeyValue("failedOpenTotal", counters.failedOpen.sum())
                    .log();
        }
    }
}
