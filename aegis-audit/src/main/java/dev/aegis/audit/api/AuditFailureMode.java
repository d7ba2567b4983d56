package dev.aegis.audit.api;

/**
 * What {@link AuditLog#record(AuditEvent)} does when the audit trail cannot be written.
 *
 * <p>Whatever the mode, a failure is never silently dropped: it is either thrown or counted in
 * {@link AuditStats} and logged. Immutable.
 */
public enum AuditFailureMode {
    /**
     * The default: the audited operation fails. {@code record} waits (bounded by
     * {@link AuditSettings#recordTimeout()}) until the event's batch is durable in every sink and throws
     * {@link AuditUnavailableException} when the queue is full, a sink fails or the wait times out.
     */
    FAIL_CLOSED,
    /**
     * Availability over accountability: {@code record} enqueues and returns at once and never throws; an
     * event that cannot be queued or written is counted in {@link AuditStats#failedOpen()} and logged at WARN.
     */
    FAIL_OPEN
}
