package dev.aegis.core.api.keys;

import java.time.Instant;

/** Consistency rules between a key's state, its timestamps and its private material (used by restore). */
final class KeyTimeline {

    private KeyTimeline() {
    }

    static void check(KeyState state, Instant created, Instant activated, Instant retired, Instant destroyed,
                      boolean hasPrivate) {
        switch (state) {
            case PENDING -> require(activated == null && retired == null && destroyed == null && hasPrivate,
                    "PENDING key needs private material and no activation/retirement/destruction time");
            case ACTIVE -> require(activated != null && retired == null && destroyed == null && hasPrivate,
                    "ACTIVE key needs private material and an activation time, no retirement/destruction time");
            case RETIRED -> require(retired != null && destroyed == null,
                    "RETIRED key needs a retirement time and no destruction time");
            case DESTROYED -> require(retired != null && destroyed != null && !hasPrivate,
                    "DESTROYED key needs retirement and destruction times and no private material");
        }
        require(ordered(created, activated) && ordered(activated != null ? activated : created, retired)
                && ordered(retired, destroyed), "key timestamps are out of order");
    }

    private static boolean ordered(Instant earlier, Instant later) {
        return earlier == null || later == null || !later.isBefore(earlier);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
