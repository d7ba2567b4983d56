package dev.aegis.secrets.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the secrets manager.
 *
 * <p>Immutable; validated at construction.
 *
 * @param sealType          where the root key comes from
 * @param defaultTokenTtl   TTL of tokens created without one (Vault's default: 768h)
 * @param maxTokenTtl       upper bound of any token or lease TTL
 * @param leaseReapInterval how often expired leases and tokens are looked for (in small batches)
 * @param tokenCacheTtl     how long a node trusts a token or the current version of a KV key it looked up
 *                          before reading it again: bounds how late a revocation or a write on another cluster
 *                          node is seen here if its event is lost ({@link Duration#ZERO} turns caching off)
 */
public record SecretsSettings(SealType sealType, Duration defaultTokenTtl, Duration maxTokenTtl,
                              Duration leaseReapInterval, Duration tokenCacheTtl) {

    /** Validates. */
    public SecretsSettings {
        Objects.requireNonNull(sealType, "sealType");
        positive("defaultTokenTtl", defaultTokenTtl);
        positive("maxTokenTtl", maxTokenTtl);
        positive("leaseReapInterval", leaseReapInterval);
        Objects.requireNonNull(tokenCacheTtl, "tokenCacheTtl");
        if (tokenCacheTtl.isNegative()) {
            throw new IllegalArgumentException("tokenCacheTtl must not be negative");
        }
        if (defaultTokenTtl.compareTo(maxTokenTtl) > 0) {
            throw new IllegalArgumentException("defaultTokenTtl must not exceed maxTokenTtl");
        }
    }

    /**
     * @param sealType where the root key comes from
     * @return 768h default token TTL, 768h maximum, reap every second, trust a looked-up token or KV version
     *         for 1 s (the platform's revocation target)
     */
    public static SecretsSettings defaults(SealType sealType) {
        return new SecretsSettings(sealType, Duration.ofHours(768), Duration.ofHours(768), Duration.ofSeconds(1),
                Duration.ofSeconds(1));
    }

    /** @param interval reap interval @return a copy */
    public SecretsSettings withLeaseReapInterval(Duration interval) {
        return new SecretsSettings(sealType, defaultTokenTtl, maxTokenTtl, interval, tokenCacheTtl);
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
