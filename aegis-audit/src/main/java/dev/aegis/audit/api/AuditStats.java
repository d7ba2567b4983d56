package dev.aegis.audit.api;

/**
 * A snapshot of an {@link AuditLog}'s counters, for {@code /metrics} and health checks. Immutable.
 *
 * @param recorded          events made durable in every sink
 * @param failedClosed      {@code record} (and {@code enqueue}) calls that threw {@link AuditUnavailableException} (fail-closed)
 * @param failedOpen        events that could not be queued or written and were allowed anyway (fail-open):
 *                          operations that happened without an audit record
 * @param sinkFailures      batches that a sink (the database or an extra sink) failed to write
 * @param checkpoints       signed checkpoints written by this node
 * @param checkpointFailures checkpoints that could not be signed or stored (retried at the next opportunity)
 * @param queueDepth        events waiting for the writer at the time of the snapshot
 * @param lastSequence      the last sequence number this node wrote, 0 when none
 */
public record AuditStats(long recorded, long failedClosed, long failedOpen, long sinkFailures, long checkpoints,
                         long checkpointFailures, int queueDepth, long lastSequence) {
}
