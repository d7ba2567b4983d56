package dev.aegis.secrets.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored token, as looked up by its HMAC. Holds no secret: the token itself is never kept.
 *
 * @param hash           HMAC-SHA256 of the token under the barrier pepper (the primary key)
 * @param accessor       the non-secret handle for lookup and revocation by accessor
 * @param parentAccessor the token that created it; {@code null} for orphans
 * @param policies       policy names
 * @param meta           non-secret metadata
 * @param displayName    shown in lookups
 * @param path           the creating path, e.g. {@code auth/token/create}, {@code auth/approle/login}
 * @param ttl            the TTL it was created with
 * @param explicitMax    upper bound of its lifetime, zero for none
 * @param renewable      whether renew is allowed
 * @param numUses        remaining uses, 0 for unlimited
 * @param createdAt      creation time
 * @param expiresAt      expiry; {@code null} for root tokens that never expire
 * @param maxExpiresAt   renewals never pass this; {@code null} for none
 * @param boundCidrs     client addresses allowed to use it; empty for any
 */
record TokenEntry(String hash, String accessor, String parentAccessor, List<String> policies,
                  Map<String, String> meta, String displayName, String path, Duration ttl, Duration explicitMax,
                  boolean renewable, int numUses, Instant createdAt, Instant expiresAt, Instant maxExpiresAt,
                  List<String> boundCidrs) {

    TokenEntry {
        policies = List.copyOf(policies);
        meta = Map.copyOf(meta);
        boundCidrs = List.copyOf(boundCidrs);
    }

    boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    boolean isRoot() {
        return policies.contains("root");
    }

    TokenEntry withExpiry(Instant expiry) {
        return new TokenEntry(hash, accessor, parentAccessor, policies, meta, displayName, path, ttl, explicitMax,
                renewable, numUses, createdAt, expiry, maxExpiresAt, boundCidrs);
    }
}
