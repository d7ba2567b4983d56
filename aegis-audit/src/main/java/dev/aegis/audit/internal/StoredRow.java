package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditRecord;

/**
 * A record as read back from storage, which may have been tampered with.
 *
 * @param position storage position used for look-ahead: the {@code seq} column for the database, the line
 *                 number for a JSON-lines file
 * @param sequence the sequence number the storage claims, or {@code -1} when it could not be read
 * @param record   the parsed record, or {@code null} when the row is not a well-formed record
 * @param problem  why the row could not be parsed ({@code null} when {@code record} is present); never
 *                 contains event contents
 */
public record StoredRow(long position, long sequence, AuditRecord record, String problem) {

    /** @return a well-formed row */
    public static StoredRow of(long position, AuditRecord record) {
        return new StoredRow(position, record.sequence(), record, null);
    }

    /** @return a row that could not be parsed */
    public static StoredRow malformed(long position, long sequence, String problem) {
        return new StoredRow(position, sequence, null, problem);
    }
}
