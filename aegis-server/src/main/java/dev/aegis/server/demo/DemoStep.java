package dev.aegis.server.demo;

import java.util.Objects;

/**
 * The outcome of one step of the demo walk.
 *
 * @param name   what the step shows, e.g. "a call without the scope is denied at the service"
 * @param ok     whether the system behaved as it must
 * @param detail what was observed (statuses, SPIFFE IDs, times); never a token or secret
 */
public record DemoStep(String name, boolean ok, String detail) {
    /** Validates. */
    public DemoStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
    }
}
