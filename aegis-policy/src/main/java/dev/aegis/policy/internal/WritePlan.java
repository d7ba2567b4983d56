package dev.aegis.policy.internal;

import java.util.List;

/**
 * A validated write request: deletes, then writes, applied atomically; OpenFGA's {@code on_duplicate: ignore}
 * and {@code on_missing: ignore} make retries idempotent, and preconditions (an Aegis extension) make a write
 * conditional on tuples existing or not. Immutable.
 */
public record WritePlan(List<Tuple> writes, List<Tuple> deletes, boolean ignoreDuplicates, boolean ignoreMissing,
                        List<Precondition> preconditions) {
    public WritePlan {
        writes = List.copyOf(writes);
        deletes = List.copyOf(deletes);
        preconditions = List.copyOf(preconditions);
    }

    /** The write happens only if {@code tuple} exists ({@code mustExist}) or does not. */
    public record Precondition(Tuple tuple, boolean mustExist) { }
}
