package dev.aegis.audit.api;

import java.util.Objects;

/**
 * The result of verifying an audit chain: {@link Intact} or {@link Broken}. Tampering is an expected security
 * outcome, so it is a value, not an exception; switch over it exhaustively.
 *
 * <p>Implementations are immutable records; no component is {@code null}.
 */
public sealed interface VerificationReport permits VerificationReport.Intact, VerificationReport.Broken {

    /**
     * Every record links to its predecessor, every checkpoint signature verifies and matches the chain, and
     * nothing is missing behind the last checkpoint or the chain head.
     *
     * @param records     number of records walked
     * @param checkpoints number of signed checkpoints verified
     */
    record Intact(long records, long checkpoints) implements VerificationReport {
        /** Validates that both counts are non-negative. */
        public Intact {
            if (records < 0 || checkpoints < 0) {
                throw new IllegalArgumentException("counts must be >= 0");
            }
        }
    }

    /**
     * The first position where the chain stops verifying.
     *
     * @param sequence the sequence number of the first bad record (for {@link Tampering#DELETED} and
     *                 {@link Tampering#TRUNCATED}: the first missing sequence number; for
     *                 {@link Tampering#CHECKPOINT_INVALID}: the checkpoint's sequence number)
     * @param kind     what was found
     * @param detail   for operators; names sequence numbers and hashes, never event contents
     */
    record Broken(long sequence, Tampering kind, String detail) implements VerificationReport {
        /** Validates that kind and detail are present. */
        public Broken {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
