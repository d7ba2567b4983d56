package dev.aegis.audit.api;

import java.util.Objects;

/**
 * An {@link AuditEvent} placed in the hash chain: {@code hash = SHA-256(previousHash || canonical(record))},
 * where {@code canonical} covers {@code sequence} and every event component (byte layout documented in
 * {@code dev.aegis.audit.internal.CanonicalAuditEncoding}). The first record ({@code sequence} 1) has
 * {@code previousHash} = 64 zeros.
 *
 * <p>Immutable and thread-safe; no component is {@code null}. Hashes are 64 lowercase hexadecimal characters.
 *
 * @param sequence     position in the chain, starting at 1, gap-free
 * @param event        the audited fact
 * @param previousHash hash of record {@code sequence - 1}
 * @param hash         this record's chain hash
 */
public record AuditRecord(long sequence, AuditEvent event, String previousHash, String hash) {

    /** Validates the sequence and the hash format. */
    public AuditRecord {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1");
        }
        Objects.requireNonNull(event, "event");
        checkHash("previousHash", previousHash);
        checkHash("hash", hash);
    }

    private static void checkHash(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.length() != 64) {
            throw new IllegalArgumentException(name + " must be 64 lowercase hex characters");
        }
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException(name + " must be 64 lowercase hex characters");
            }
        }
    }
}
