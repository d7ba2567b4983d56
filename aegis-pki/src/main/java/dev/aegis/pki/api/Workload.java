package dev.aegis.pki.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered workload as stored.
 *
 * @param registration what was registered
 * @param createdAt    when
 * @param createdBy    the administrator
 * @param revokedAt    when it was revoked, if it was
 */
public record Workload(WorkloadRegistration registration, Instant createdAt, String createdBy, Optional<Instant> revokedAt) {
    /** Validates. */
    public Workload {
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(revokedAt, "revokedAt");
    }
}
