package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditRecord;
import java.util.List;

/**
 * Chains and durably stores one batch in one transaction: lock the chain head, assign sequence numbers,
 * compute hashes, insert, move the head. Implemented by {@link JdbcAuditRecords}; tests stub it.
 */
@FunctionalInterface
public interface ChainCommitter {

    /**
     * @param events the batch, in queue order
     * @return the chained records, in the same order, once committed
     * @throws RuntimeException when nothing was committed (the transaction rolled back)
     */
    List<AuditRecord> commit(List<AuditEvent> events);
}
