package dev.aegis.audit.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The coverage rule of signed checkpoints: how many records, and for how long, may sit after the last signed
 * checkpoint before {@link AuditVerifier} calls them {@link Tampering#UNCHECKPOINTED}.
 *
 * <p>Why it matters: someone who can write the database could rewrite the whole chain with recomputed hashes and
 * delete every checkpoint; the chain alone would still link. Because the writer signs a checkpoint every N
 * records or T seconds, a trail whose old records carry no signature is either rewritten or comes from a node
 * that stopped abruptly before signing and never started again (starting it signs them).
 *
 * <p>Immutable.
 *
 * @param maxUncoveredAge     the oldest record after the last checkpoint may be at most this old
 * @param maxUncoveredRecords at most this many records may follow the last checkpoint
 * @param clock               "now" for the age rule
 */
public record CheckpointCoverage(Duration maxUncoveredAge, long maxUncoveredRecords, Clock clock) {

    /** Slack for a writer that is busy or a clock that differs a little between nodes. */
    static final Duration SLACK = Duration.ofMinutes(1);

    public CheckpointCoverage {
        Objects.requireNonNull(maxUncoveredAge, "maxUncoveredAge");
        Objects.requireNonNull(clock, "clock");
        if (maxUncoveredAge.isNegative() || maxUncoveredRecords < 0) {
            throw new IllegalArgumentException("coverage limits must not be negative");
        }
    }

    /**
     * The rule a writer with these settings always meets while it runs: twice its interval plus a minute, and
     * twice its record count plus one batch.
     */
    public static CheckpointCoverage expectedFor(AuditSettings settings, Clock clock) {
        return new CheckpointCoverage(settings.checkpointInterval().multipliedBy(2).plus(SLACK),
                2L * settings.checkpointEveryRecords() + settings.maxBatchSize(), clock);
    }

    /** @return why the uncovered tail breaks the rule, or {@code null} when it does not */
    String violation(long uncoveredRecords, Instant oldestUncovered) {
        if (uncoveredRecords > maxUncoveredRecords) {
            return uncoveredRecords + " records follow the last signed checkpoint (at most " + maxUncoveredRecords
                    + " expected)";
        }
        if (oldestUncovered != null && oldestUncovered.plus(maxUncoveredAge).isBefore(clock.instant())) {
            return "records since " + oldestUncovered + " are older than " + maxUncoveredAge
                    + " and no signed checkpoint covers them";
        }
        return null;
    }
}
