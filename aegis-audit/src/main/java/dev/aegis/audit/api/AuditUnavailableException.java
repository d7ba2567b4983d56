package dev.aegis.audit.api;

import java.io.Serial;

/**
 * Thrown by {@link AuditLog#record(AuditEvent)} in {@link AuditFailureMode#FAIL_CLOSED} mode when the event
 * could not be made durable within the configured wait: the queue was full, a sink failed, the log is closed
 * or the wait timed out. The audited operation must then fail (a server maps it to HTTP 503).
 *
 * <p>The message names the cause for operators and never contains event contents. When the cause was a
 * timeout the event may still be written later: the audit trail may over-report an operation that failed,
 * never under-report one that succeeded.
 */
public final class AuditUnavailableException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @param message operator-facing cause, no event contents
     * @param cause   the underlying failure, or {@code null}
     */
    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
