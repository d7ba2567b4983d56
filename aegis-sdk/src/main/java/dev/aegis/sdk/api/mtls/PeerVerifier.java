package dev.aegis.sdk.api.mtls;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides whether a peer's certificate chain is an acceptable X509-SVID, in this order: it is an SVID
 * ({@link X509SvidRules}); its trust domain has a bundle (ours or a federated one, else
 * {@link PeerCheck.Reason#UNKNOWN_TRUST_DOMAIN}); it is within its validity; the chain validates (PKIX, RFC 5280
 * §6) to an X.509 authority of that bundle; neither the leaf, a signer nor the workload is revoked; the SPIFFE ID
 * is on the {@link PeerAuthorizer} allow-list; and the chain matches the pin policy in force for the peer's ID
 * or trust domain, unless an unpin policy is in force.
 *
 * <p>Bundles, revocations, pins and the allow-list are one immutable snapshot swapped atomically: a handshake
 * never sees half an update and readers never lock. Thread-safe.
 */
public final class PeerVerifier {

    private final Clock clock;
    private final AtomicReference<Snapshot> state;
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Snapshot(Map<TrustDomain, Anchors> bundles, RevocationList revocations,
                            Map<SpiffeId, PinPolicy> pins, Map<SpiffeId, PinPolicy> unpins, PeerAuthorizer authorizer) {
        Snapshot with(Map<TrustDomain, Anchors> b, RevocationList r, Map<SpiffeId, PinPolicy> p, Map<SpiffeId, PinPolicy> u,
                      PeerAuthorizer a) {
            return new Snapshot(b, r, p, u, a);
        }
    }

    /** A bundle's X.509 authorities as PKIX trust anchors, built once per bundle version. */
    private record Anchors(TrustBundle bundle, Set<TrustAnchor> anchors) {
        static Anchors of(TrustBundle bundle) {
            Set<TrustAnchor> set = new HashSet<>();
            for (X509Certificate c : bundle.x509Authorities()) {
                set.add(new TrustAnchor(c, null));
            }
            return new Anchors(bundle, Set.copyOf(set));
        }
    }

    /**
     * @param authorizer which peers are allowed (deny by default)
     * @param clock      time source for validity and policy expiry
     */
    public PeerVerifier(PeerAuthorizer authorizer, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.state = new AtomicReference<>(new Snapshot(Map.of(), RevocationList.empty(), Map.of(), Map.of(),
                Objects.requireNonNull(authorizer, "authorizer")));
    }

    /**
     * Runs {@code listener} after every change of bundles, revocations, pins or allow-list (e.g. to drop cached
     * TLS sessions that the new state refuses, see {@link MtlsContext}).
     */
    public void onChange(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void changed() {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    /** Installs or replaces the bundle of its trust domain (ours or a federated one). */
    public void updateBundle(TrustBundle bundle) {
        Objects.requireNonNull(bundle, "bundle");
        state.updateAndGet(s -> {
            Map<TrustDomain, Anchors> next = new HashMap<>(s.bundles());
            next.put(bundle.trustDomain(), Anchors.of(bundle));
            return s.with(Map.copyOf(next), s.revocations(), s.pins(), s.unpins(), s.authorizer());
        });
        changed();
    }

    /** @return the bundle in use for {@code domain} */
    public Optional<TrustBundle> bundle(TrustDomain domain) {
        Anchors a = state.get().bundles().get(domain);
        return a == null ? Optional.empty() : Optional.of(a.bundle());
    }

    /** Replaces the revocation list unless {@code list} is older than the one in use. */
    public void updateRevocations(RevocationList list) {
        Objects.requireNonNull(list, "list");
        state.updateAndGet(s -> list.version() < s.revocations().version() ? s
                : s.with(s.bundles(), list, s.pins(), s.unpins(), s.authorizer()));
        changed();
    }

    /** @return the revocation list in use */
    public RevocationList revocations() {
        return state.get().revocations();
    }

    /**
     * Installs pin policies and unpin policies. A pin policy with a lower version than the one held for its
     * scope is ignored (no rollback to older pins); unpins are kept apart, so when one expires the pins it
     * suspended apply again.
     */
    public void updatePins(List<PinPolicy> policies) {
        state.updateAndGet(s -> {
            Map<SpiffeId, PinPolicy> pins = new HashMap<>(s.pins());
            Map<SpiffeId, PinPolicy> unpins = new HashMap<>(s.unpins());
            for (PinPolicy p : policies) {
                Map<SpiffeId, PinPolicy> target = p.disabled() ? unpins : pins;
                PinPolicy held = target.get(p.scope());
                if (held == null || p.version() >= held.version()) {
                    target.put(p.scope(), p);
                }
            }
            return s.with(s.bundles(), s.revocations(), Map.copyOf(pins), Map.copyOf(unpins), s.authorizer());
        });
        changed();
    }

    /** Replaces the allow-list. */
    public void updateAuthorizer(PeerAuthorizer authorizer) {
        Objects.requireNonNull(authorizer, "authorizer");
        state.updateAndGet(s -> s.with(s.bundles(), s.revocations(), s.pins(), s.unpins(), authorizer));
        changed();
    }

    /**
     * @param chain the peer's chain, leaf first; may be {@code null} or empty
     * @return the decision; never throws for bad input
     */
    public PeerCheck verify(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return new PeerCheck.Refused(PeerCheck.Reason.NO_CERTIFICATE, "no peer certificate");
        }
        Snapshot s = state.get();
        X509Certificate leaf = chain[0];
        Optional<String> rule = X509SvidRules.leafViolation(leaf);
        if (rule.isPresent()) {
            return new PeerCheck.Refused(PeerCheck.Reason.NOT_AN_SVID, rule.get());
        }
        SpiffeId id = X509SvidRules.spiffeIdOf(leaf);
        Anchors anchors = s.bundles().get(id.trustDomain());
        if (anchors == null || anchors.anchors().isEmpty()) {
            return new PeerCheck.Refused(PeerCheck.Reason.UNKNOWN_TRUST_DOMAIN,
                    "trust domain " + id.trustDomain() + " is not trusted (not ours and not federated)");
        }
        Instant now = clock.instant();
        if (now.isAfter(leaf.getNotAfter().toInstant()) || now.isBefore(leaf.getNotBefore().toInstant())) {
            return new PeerCheck.Refused(PeerCheck.Reason.EXPIRED, "certificate of " + id + " is outside its validity period");
        }
        X509Certificate anchor = validatePath(chain, anchors.anchors(), now);
        if (anchor == null) {
            return new PeerCheck.Refused(PeerCheck.Reason.CHAIN_INVALID,
                    "chain of " + id + " does not validate to an authority of " + id.trustDomain());
        }
        String serial = leaf.getSerialNumber().toString(16);
        if (s.revocations().workloadRevoked(id)) {
            return new PeerCheck.Refused(PeerCheck.Reason.REVOKED, "workload " + id + " is revoked");
        }
        for (X509Certificate c : chain) {
            if (s.revocations().serialRevoked(c.getSerialNumber().toString(16))) {
                return new PeerCheck.Refused(PeerCheck.Reason.REVOKED, "certificate serial " + c.getSerialNumber().toString(16) + " is revoked");
            }
        }
        if (!s.authorizer().allows(id)) {
            return new PeerCheck.Refused(PeerCheck.Reason.NOT_ALLOWED, id + " is not on the allow-list");
        }
        PinPolicy pin = pinFor(s, id, now);
        if (pin != null && !pin.matchesAny(withAnchor(chain, anchor))) {
            return new PeerCheck.Refused(PeerCheck.Reason.PIN_MISMATCH,
                    "no key of the chain of " + id + " matches pin policy " + pin.scope() + " v" + pin.version());
        }
        return new PeerCheck.Accepted(id, serial);
    }

    /**
     * The pin policy that applies, or null: an unpin in force for the ID or its domain suspends pinning; else
     * the ID's own policy, else its domain's. An expired pin policy is not enforced (HPKP max-age semantics,
     * RFC 7469 §2.3.3): pins must be re-signed to stay in force.
     */
    private static PinPolicy pinFor(Snapshot s, SpiffeId id, Instant now) {
        SpiffeId domainId = id.trustDomain().spiffeId();
        PinPolicy unpinDomain = s.unpins().get(domainId);
        PinPolicy unpinOwn = s.unpins().get(id);
        if ((unpinDomain != null && unpinDomain.inForce(now)) || (unpinOwn != null && unpinOwn.inForce(now))) {
            return null;
        }
        PinPolicy own = s.pins().get(id);
        if (own != null && own.inForce(now)) {
            return own;
        }
        PinPolicy domain = s.pins().get(domainId);
        return domain != null && domain.inForce(now) ? domain : null;
    }

    private static List<X509Certificate> withAnchor(X509Certificate[] chain, X509Certificate anchor) {
        List<X509Certificate> all = new ArrayList<>(chain.length + 1);
        for (X509Certificate c : chain) {
            all.add(c);
        }
        all.add(anchor);
        return all;
    }

    /** PKIX path validation (RFC 5280 §6) without CRL/OCSP (revocation is ours); returns the anchor or null. */
    private static X509Certificate validatePath(X509Certificate[] chain, Set<TrustAnchor> anchors, Instant now) {
        try {
            List<X509Certificate> path = new ArrayList<>(chain.length);
            for (X509Certificate c : chain) {
                if (!isAnchor(c, anchors)) {
                    path.add(c);
                }
            }
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return result.getTrustAnchor().getTrustedCert();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isAnchor(X509Certificate c, Set<TrustAnchor> anchors) {
        for (TrustAnchor a : anchors) {
            if (c.equals(a.getTrustedCert())) {
                return true;
            }
        }
        return false;
    }
}
