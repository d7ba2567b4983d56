package dev.aegis.sdk.api.mtls;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.util.Objects;
import java.util.Set;

/**
 * What the CA has revoked and SDKs must refuse: SVID serial numbers (lower-case hex, until the certificate
 * expires) and whole workloads by SPIFFE ID. A snapshot: {@code version} grows with every revocation, so a
 * consumer keeps the newest.
 *
 * <p>Immutable; components are never {@code null}.
 *
 * @param version   grows with every change
 * @param serials   revoked certificate serial numbers, lower-case hex without leading zeros
 * @param spiffeIds revoked workloads
 */
public record RevocationList(long version, Set<String> serials, Set<SpiffeId> spiffeIds) {

    /** Validates and copies. */
    public RevocationList {
        serials = Set.copyOf(serials);
        spiffeIds = Set.copyOf(spiffeIds);
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative");
        }
    }

    /** @return nothing revoked, version 0 */
    public static RevocationList empty() {
        return new RevocationList(0, Set.of(), Set.of());
    }

    /** @return whether the serial (lower-case hex) is revoked */
    public boolean serialRevoked(String serialHex) {
        return serials.contains(Objects.requireNonNull(serialHex, "serialHex"));
    }

    /** @return whether the workload is revoked */
    public boolean workloadRevoked(SpiffeId id) {
        return spiffeIds.contains(Objects.requireNonNull(id, "id"));
    }
}
