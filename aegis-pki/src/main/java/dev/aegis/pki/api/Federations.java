package dev.aegis.pki.api;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.pki.internal.Audit;
import dev.aegis.pki.internal.BundleFetch;
import dev.aegis.pki.internal.FederationRows;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.store.api.Store;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Federation with other trust domains (SPIFFE Federation): an administrator names a foreign domain, its bundle
 * endpoint (HTTPS) and the SPKI SHA-256 pin that authenticates the first fetch; the bundle is then refreshed at
 * its {@code spiffe_refresh_hint}, and later fetches may also be authenticated by the foreign bundle itself.
 * SDKs get the foreign bundles from {@code /pki/v1/federation/bundles}, so allow-lists can name foreign SPIFFE IDs;
 * a domain that is not federated has no bundle, and its SVIDs are refused.
 *
 * <p>Thread-safe; the bundles are an immutable snapshot.
 */
public final class Federations {

    private static final Logger LOG = LoggerFactory.getLogger(Federations.class);

    private final Store store;
    private final Audit audit;
    private final Clock clock;
    private final TrustDomain own;
    private final AtomicReference<Map<TrustDomain, TrustBundle>> bundles = new AtomicReference<>(Map.of());

    public Federations(Store store, AuditLog audit, Clock clock, TrustDomain own) {
        this.store = store;
        this.audit = new Audit(audit);
        this.clock = clock;
        this.own = own;
        reload();
    }

    /**
     * Federates with {@code domain}: fetches its bundle now (pinned) and stores it.
     *
     * @throws IOException when the endpoint cannot be fetched or authenticated; nothing is stored then
     */
    public TrustBundle add(TrustDomain domain, URI endpoint, String spkiPin, String actor)
            throws IOException, InterruptedException, AuditUnavailableException {
        if (domain.equals(own)) {
            throw new IllegalArgumentException("a trust domain does not federate with itself");
        }
        if (spkiPin == null || spkiPin.length() != 44) {
            throw new IllegalArgumentException("spkiPin is the base64 SHA-256 of the endpoint's SubjectPublicKeyInfo");
        }
        TrustBundle b;
        try {
            b = BundleFetch.fetch(domain, endpoint, spkiPin, null);
        } catch (IOException e) {
            audit.record("pki.federation.add", actor, domain.name(), AuditDecision.DENY, "first fetch failed: " + e.getMessage());
            throw e;
        }
        Instant now = clock.instant();
        store.inTransaction(c -> {
            FederationRows.upsert(c, domain.name(), endpoint.toString(), spkiPin, b.toJson(), b.sequence(), now, actor);
            return null;
        });
        audit.record("pki.federation.add", actor, domain.name(), AuditDecision.ALLOW, "federated",
                "endpoint", endpoint.toString(), "spkiPin", spkiPin, "sequence", Long.toString(b.sequence()));
        reload();
        return b;
    }

    /** Stops trusting {@code domain}. */
    public boolean remove(TrustDomain domain, String actor) throws AuditUnavailableException {
        boolean done = store.inTransaction(c -> FederationRows.delete(c, domain.name()));
        audit.record("pki.federation.remove", actor, domain.name(), done ? AuditDecision.ALLOW : AuditDecision.DENY,
                done ? "no longer federated" : "not federated");
        reload();
        return done;
    }

    /** Refetches every bundle whose refresh hint has elapsed; failures keep the last good bundle. */
    public void refreshDue() {
        Instant now = clock.instant();
        for (FederationRows.Row r : store.inTransaction(FederationRows::all)) {
            TrustDomain d = TrustDomain.of(r.trustDomain());
            TrustBundle known = bundles.get().get(d);
            if (known != null && r.refreshedAt() != null && now.isBefore(r.refreshedAt().plus(known.refreshHint()))) {
                continue;
            }
            try {
                TrustBundle b = BundleFetch.fetch(d, URI.create(r.endpoint()), r.spkiPin(), known);
                store.inTransaction(c -> {
                    FederationRows.refreshed(c, d.name(), b.toJson(), b.sequence(), now);
                    return null;
                });
            } catch (IOException e) {
                LOG.atWarn().setMessage("federated bundle refresh failed").addKeyValue("trustDomain", d.name())
                        .addKeyValue("error", e.getMessage()).log();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        reload();
    }

    /** @return the federated bundles */
    public Map<TrustDomain, TrustBundle> bundles() {
        return bundles.get();
    }

    private void reload() {
        Map<TrustDomain, TrustBundle> next = new LinkedHashMap<>();
        for (FederationRows.Row r : store.inTransaction(FederationRows::all)) {
            if (r.bundleJson() != null) {
                TrustDomain d = TrustDomain.of(r.trustDomain());
                next.put(d, TrustBundle.parse(d, r.bundleJson()));
            }
        }
        bundles.set(Map.copyOf(next));
    }
}
