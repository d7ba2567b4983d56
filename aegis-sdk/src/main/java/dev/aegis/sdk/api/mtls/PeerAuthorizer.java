package dev.aegis.sdk.api.mtls;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The allow-list of peer SPIFFE IDs: exact IDs, every ID of a trust domain, or every ID under a path prefix
 * (segment-wise: {@code /payments} covers {@code /payments/api}, not {@code /paymentsx}). Deny by default: an
 * authorizer built with nothing allows nobody; there is no allow-any constructor.
 *
 * <p>Immutable and thread-safe. Lookups are a hash lookup plus one loop over the prefixes.
 */
public final class PeerAuthorizer {

    private final Set<SpiffeId> exact;
    private final Set<TrustDomain> domains;
    private final List<SpiffeId> prefixes;

    private PeerAuthorizer(Set<SpiffeId> exact, Set<TrustDomain> domains, List<SpiffeId> prefixes) {
        this.exact = Set.copyOf(exact);
        this.domains = Set.copyOf(domains);
        this.prefixes = List.copyOf(prefixes);
    }

    /** @return the authorizer that allows nobody */
    public static PeerAuthorizer denyAll() {
        return new PeerAuthorizer(Set.of(), Set.of(), List.of());
    }

    /** @return an authorizer allowing exactly these IDs */
    public static PeerAuthorizer allowing(SpiffeId... ids) {
        return denyAll().orId(ids);
    }

    /** @return this authorizer plus these exact IDs */
    public PeerAuthorizer orId(SpiffeId... ids) {
        Set<SpiffeId> next = new HashSet<>(exact);
        for (SpiffeId id : ids) {
            next.add(Objects.requireNonNull(id, "id"));
        }
        return new PeerAuthorizer(next, domains, prefixes);
    }

    /** @return this authorizer plus every ID of {@code domain} */
    public PeerAuthorizer orTrustDomain(TrustDomain domain) {
        Set<TrustDomain> next = new HashSet<>(domains);
        next.add(Objects.requireNonNull(domain, "domain"));
        return new PeerAuthorizer(exact, next, prefixes);
    }

    /** @return this authorizer plus every ID at or below {@code prefix} (segment-wise) */
    public PeerAuthorizer orPathPrefix(SpiffeId prefix) {
        Objects.requireNonNull(prefix, "prefix");
        List<SpiffeId> next = new java.util.ArrayList<>(prefixes);
        next.add(prefix);
        return new PeerAuthorizer(exact, domains, next);
    }

    /** @return whether {@code peer} is allowed */
    public boolean allows(SpiffeId peer) {
        if (exact.contains(peer) || domains.contains(peer.trustDomain())) {
            return true;
        }
        String path = peer.path();
        for (int i = 0; i < prefixes.size(); i++) {
            SpiffeId p = prefixes.get(i);
            if (p.trustDomain().equals(peer.trustDomain()) && path.startsWith(p.path())
                    && (path.length() == p.path().length() || path.charAt(p.path().length()) == '/')) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "PeerAuthorizer[ids=" + exact + ", domains=" + domains + ", prefixes=" + prefixes + "]";
    }
}
