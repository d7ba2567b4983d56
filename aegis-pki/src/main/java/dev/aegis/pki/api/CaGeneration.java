package dev.aegis.pki.api;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One CA generation (a root and its intermediate), as shown to administrators.
 *
 * @param id           generation id
 * @param number       generation number (grows)
 * @param state        PENDING (in the bundle, not issuing), ACTIVE (issuing) or RETIRED (in the bundle until
 *                     {@code trustedUntil})
 * @param root         the root certificate (a bundle authority)
 * @param intermediate the intermediate that signs SVIDs
 * @param activatesAt  when it starts (or started) issuing
 * @param trustedUntil when a retired generation leaves the bundle
 */
public record CaGeneration(String id, long number, State state, X509Certificate root, X509Certificate intermediate,
                           Instant activatesAt, Optional<Instant> trustedUntil) {

    /** Life cycle of a generation. */
    public enum State { PENDING, ACTIVE, RETIRED }

    /** Validates. */
    public CaGeneration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(intermediate, "intermediate");
        Objects.requireNonNull(activatesAt, "activatesAt");
        Objects.requireNonNull(trustedUntil, "trustedUntil");
    }
}
