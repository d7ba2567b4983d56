package dev.aegis.audit.api;

import java.io.IOException;
import java.util.List;

/**
 * A destination for chained audit records besides the database (the database is always the first sink and
 * the one that assigns sequence numbers). {@link JsonLinesAuditSink} ships them to ELK or Loki.
 *
 * <p>{@link AuditLog} calls {@link #write} from its single writer thread only, after the batch is committed to
 * the database, in sequence order. An implementation must either make the whole batch durable or throw: a
 * thrown exception fails the batch's callers in {@link AuditFailureMode#FAIL_CLOSED} mode and is counted in
 * {@link AuditFailureMode#FAIL_OPEN} mode. Implementations must never log record contents at INFO or above.
 */
public interface AuditSink {

    /** @return a short name for logs and metrics, e.g. {@code "jsonl:/var/log/aegis/audit.jsonl"} */
    String name();

    /**
     * Writes a batch of records.
     *
     * @param batch non-empty, ascending contiguous sequence numbers, never {@code null}
     * @throws IOException when the batch could not be made durable
     */
    void write(List<AuditRecord> batch) throws IOException;
}
