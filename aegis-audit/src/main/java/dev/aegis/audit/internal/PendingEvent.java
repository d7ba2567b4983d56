package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditRecord;
import java.util.concurrent.CompletableFuture;

/**
 * An event waiting in the queue, with the future its caller may wait on. Completed by the writer thread with
 * the chained record once every sink has it, or exceptionally with the sink failure.
 *
 * @param event the event
 * @param done  completed by the writer
 */
public record PendingEvent(AuditEvent event, CompletableFuture<AuditRecord> done) {

    /** @return a pending event with a fresh future */
    public static PendingEvent of(AuditEvent event) {
        return new PendingEvent(event, new CompletableFuture<>());
    }
}
