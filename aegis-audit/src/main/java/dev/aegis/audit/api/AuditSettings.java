package dev.aegis.audit.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of an {@link AuditLog}. Immutable and thread-safe; invalid settings cannot be built.
 *
 * @param failureMode            what {@code record} does when the trail cannot be written
 *                               (default {@link AuditFailureMode#FAIL_CLOSED})
 * @param queueCapacity          events waiting for the writer, 1..1,000,000 (default 10,000); a full queue fails
 *                               (or, fail-open, counts) new events instead of growing
 * @param maxBatchSize           events per group commit, 1..10,000 (default 500)
 * @param recordTimeout          how long a fail-closed {@code record} waits for queue space and durability,
 *                               1 ms..5 min (default 5 s)
 * @param checkpointEveryRecords sign a checkpoint after this many records, 1..1,000,000 (default 1,000)
 * @param checkpointInterval     ... or after this much time with unsigned records, 1 s..1 day (default 60 s)
 */
public record AuditSettings(AuditFailureMode failureMode, int queueCapacity, int maxBatchSize, Duration recordTimeout,
                            int checkpointEveryRecords, Duration checkpointInterval) {

    /** Validates every bound. */
    public AuditSettings {
        Objects.requireNonNull(failureMode, "failureMode");
        between("queueCapacity", queueCapacity, 1, 1_000_000);
        between("maxBatchSize", maxBatchSize, 1, 10_000);
        between("checkpointEveryRecords", checkpointEveryRecords, 1, 1_000_000);
        between("recordTimeout", Objects.requireNonNull(recordTimeout, "recordTimeout"),
                Duration.ofMillis(1), Duration.ofMinutes(5));
        between("checkpointInterval", Objects.requireNonNull(checkpointInterval, "checkpointInterval"),
                Duration.ofSeconds(1), Duration.ofDays(1));
    }

    /** @return fail-closed, queue 10,000, batches of 500, 5 s wait, a checkpoint every 1,000 records or 60 s */
    public static AuditSettings defaults() {
        return new AuditSettings(AuditFailureMode.FAIL_CLOSED, 10_000, 500, Duration.ofSeconds(5), 1_000,
                Duration.ofSeconds(60));
    }

    /** @return a copy with {@code failureMode} replaced */
    public AuditSettings withFailureMode(AuditFailureMode value) {
        return new AuditSettings(value, queueCapacity, maxBatchSize, recordTimeout, checkpointEveryRecords,
                checkpointInterval);
    }

    /** @return a copy with {@code queueCapacity} and {@code maxBatchSize} replaced */
    public AuditSettings withQueue(int capacity, int batchSize) {
        return new AuditSettings(failureMode, capacity, batchSize, recordTimeout, checkpointEveryRecords,
                checkpointInterval);
    }

    /** @return a copy with {@code recordTimeout} replaced */
    public AuditSettings withRecordTimeout(Duration value) {
        return new AuditSettings(failureMode, queueCapacity, maxBatchSize, value, checkpointEveryRecords,
                checkpointInterval);
    }

    /** @return a copy with the checkpoint policy replaced */
    public AuditSettings withCheckpoints(int everyRecords, Duration interval) {
        return new AuditSettings(failureMode, queueCapacity, maxBatchSize, recordTimeout, everyRecords, interval);
    }

    private static void between(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be within " + min + ".." + max);
        }
    }

    private static void between(String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be within " + min + ".." + max);
        }
    }
}
