package dev.aegis.audit.internal;

import java.time.Instant;

/**
 * A row of {@code audit_checkpoints} as stored (possibly tampered with).
 *
 * @param sequence   the covered record's sequence number
 * @param recordHash the covered record's hash, as the column says
 * @param kid        the signing key id, as the column says
 * @param signature  the compact JWS
 * @param createdAt  when it was signed
 */
public record StoredCheckpoint(long sequence, String recordHash, String kid, String signature, Instant createdAt) {
}
