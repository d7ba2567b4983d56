package dev.aegis.pki.api;

import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the workload CA.
 *
 * @param trustDomain       the trust domain this CA issues for
 * @param defaultTtl        SVID lifetime when a registration does not say (1 h)
 * @param caRotationPeriod  how long a CA generation issues before its successor takes over (30 d)
 * @param caPublishAhead    how long a new generation is in the bundle before it issues: longer than the SDKs'
 *                          bundle refresh (1 h)
 * @param joinTokenTtl      default join token lifetime (1 h)
 * @param jwtSvidTtl        JWT-SVID lifetime (5 min)
 * @param bundleRefreshHint {@code spiffe_refresh_hint} (5 min)
 */
public record PkiSettings(TrustDomain trustDomain, Duration defaultTtl, Duration caRotationPeriod, Duration caPublishAhead,
                          Duration joinTokenTtl, Duration jwtSvidTtl, Duration bundleRefreshHint) {

    /** Validates. */
    public PkiSettings {
        Objects.requireNonNull(trustDomain, "trustDomain");
        positive(defaultTtl, "defaultTtl");
        positive(caRotationPeriod, "caRotationPeriod");
        positive(caPublishAhead, "caPublishAhead");
        positive(joinTokenTtl, "joinTokenTtl");
        positive(jwtSvidTtl, "jwtSvidTtl");
        positive(bundleRefreshHint, "bundleRefreshHint");
        if (defaultTtl.compareTo(WorkloadRegistration.MAX_TTL) > 0) {
            throw new IllegalArgumentException("defaultTtl must be at most 24h");
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** @return the defaults for {@code domain} */
    public static PkiSettings defaults(TrustDomain domain) {
        return new PkiSettings(domain, Duration.ofHours(1), Duration.ofDays(30), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    /** @return a copy with another rotation period and publish-ahead time */
    public PkiSettings withCaRotation(Duration period, Duration publishAhead) {
        return new PkiSettings(trustDomain, defaultTtl, period, publishAhead, joinTokenTtl, jwtSvidTtl, bundleRefreshHint);
    }

    /** @return the longest an SVID can live: a retired generation stays trusted this long */
    public Duration maxSvidTtl() {
        return WorkloadRegistration.MAX_TTL;
    }
}
