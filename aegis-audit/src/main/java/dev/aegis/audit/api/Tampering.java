package dev.aegis.audit.api;

/**
 * The kind of damage {@link AuditVerifier} found at the first bad position of an audit chain.
 *
 * <p>Immutable. The chain rule is {@code hash_n = SHA-256(hash_{n-1} || canonical(record_n))}; each kind
 * below says which part of that rule, or of a signed checkpoint, no longer holds.
 */
public enum Tampering {
    /** A record's contents (or its stored hash) no longer match its hash: a column was edited. */
    MODIFIED,
    /** A sequence number is missing: a record was deleted from the middle of the chain. */
    DELETED,
    /** A record that was never written by the chain writer sits in the chain (a forged row). */
    INSERTED,
    /** Genuine records appear in the wrong order: a record's predecessor is stored after it. */
    REORDERED,
    /** A checkpoint's JWS signature, key, or claims do not verify, or disagree with its stored columns. */
    CHECKPOINT_INVALID,
    /** Records at the end of the chain were removed: a signed checkpoint or the chain head points past the last record. */
    TRUNCATED,
    /**
     * Records older than the {@link CheckpointCoverage} rule allows carry no signed checkpoint: the checkpoints
     * were deleted (with the chain rewritten), or the node stopped abruptly and was never started again.
     */
    UNCHECKPOINTED
}
