package dev.aegis.server.runtime;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.gateway.api.GatewayOptions;
import dev.aegis.pki.api.Federations;
import dev.aegis.pki.api.Issuance;
import dev.aegis.pki.api.PinPolicies;
import dev.aegis.pki.api.PlatformEvents;
import dev.aegis.pki.api.PkiSettings;
import dev.aegis.pki.api.WorkloadCa;
import dev.aegis.sdk.api.mtls.MtlsContext;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerVerifier;
import dev.aegis.sdk.api.mtls.SpiffeKeyManager;
import dev.aegis.sdk.api.mtls.SpiffeTrustManager;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.sdk.internal.Csr;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload CA inside the server: the {@link WorkloadCa}, its periodic tick (CA and key rotation, and the
 * bundle and revocations other cluster nodes changed), and the control plane's own SVID
 * ({@code spiffe://<domain>/aegis/control-plane}) for the mTLS listener, renewed at half-life.
 *
 * <p>The mTLS listener's trust manager checks that a client presents a valid SVID chain of this trust domain
 * (chain, validity, SVID rules); revocation is decided by the handlers, so a revoked workload gets a clear
 * {@code svid_revoked} answer instead of a bare TLS alert.
 *
 * <p>Thread-safe; one virtual thread ticks.
 */
public final class PkiRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PkiRuntime.class);
    private static final Duration TICK = Duration.ofSeconds(2);
    private static final Duration CONTROL_PLANE_TTL = Duration.ofHours(1);

    private final WorkloadCa ca;
    private final PinPolicies pins;
    private final Federations federations;
    private final Clock clock;
    private final SpiffeKeyManager keys = new SpiffeKeyManager(null);
    private final PeerVerifier listenerPeers;
    private final SSLContext listenerTls;
    private volatile X509Svid controlPlane;
    /** The gateway's SVID path; its key manager exists once {@link #gatewayIdentity()} was asked for. */
    static final String GATEWAY_PATH = "/aegis/gateway";
    private volatile SpiffeKeyManager gatewayKeys;
    private volatile X509Svid gateway;
    private final PeerVerifier upstreamPeers;
    private volatile boolean running = true;
    private final Thread ticker;
    /** Released to run a tick at once (a revocation on another cluster node); the ticker never spins. */
    private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
    /** Serialises control-plane SVID renewal between the ticker and admin handlers (it issues a certificate). */
    private final java.util.concurrent.locks.ReentrantLock renewal = new java.util.concurrent.locks.ReentrantLock();
    private final List<EventBus.Subscription> subscriptions = new java.util.concurrent.CopyOnWriteArrayList<>();

    private PkiRuntime(WorkloadCa ca, PinPolicies pins, Federations federations, Clock clock) {
        this.ca = ca;
        this.pins = pins;
        this.federations = federations;
        this.clock = clock;
        TrustDomain domain = ca.settings().trustDomain();
        this.listenerPeers = new PeerVerifier(PeerAuthorizer.denyAll().orTrustDomain(domain), clock);
        this.upstreamPeers = new PeerVerifier(PeerAuthorizer.denyAll().orTrustDomain(domain), clock);
        this.listenerTls = MtlsContext.create(keys, new SpiffeTrustManager(listenerPeers));
        refreshListener();
        this.ticker = Thread.ofVirtual().name("aegis-pki-tick").unstarted(this::loop);
    }

    /** Starts the CA (first generation on first start) and its ticker. */
    public static PkiRuntime start(AegisConfig.Pki config, Store store, KeyMaterialStore keys, AuditLog audit, EventBus events,
                                   Clock clock) {
        PkiSettings settings = new PkiSettings(TrustDomain.of(config.trustDomain()), config.svidTtl(), config.caRotationPeriod(),
                config.caPublishAhead(), Duration.ofHours(1), config.jwtSvidTtl(), Duration.ofMinutes(5));
        PlatformEvents bus = new PlatformEvents() {
            @Override
            public void publish(java.sql.Connection c, String topic, String subject, java.util.Map<String, String> attributes)
                    throws java.sql.SQLException {
                events.publish(c, topic, subject, attributes);
            }

            @Override
            public void committed() {
                events.deliverNew();
            }
        };
        WorkloadCa ca = WorkloadCa.start(settings, store, keys, audit, bus, clock);
        PkiRuntime runtime = new PkiRuntime(ca, new PinPolicies(store, keys, audit, clock),
                new Federations(store, audit, clock, settings.trustDomain()), clock);
        // A revocation on another cluster node reaches this node's event bus within its poll interval; reload the
        // revocation list then instead of at the next tick, so SDKs polling this node see it within a second.
        long after = events.latestSequence();
        for (String topic : List.of(PlatformEvents.SVID_REVOKED, PlatformEvents.WORKLOAD_REVOKED)) {
            runtime.subscriptions.add(events.subscribe(topic, after, event -> runtime.wake.release()));
        }
        runtime.ticker.start();
        return runtime;
    }

    /** @return the CA */
    public WorkloadCa ca() {
        return ca;
    }

    /** @return the pin policies */
    public PinPolicies pins() {
        return pins;
    }

    /** @return the federated trust domains */
    public Federations federations() {
        return federations;
    }

    /** @return the TLS context of the mTLS listener (client certificate required) */
    public SSLContext listenerTls() {
        return listenerTls;
    }

    /** Re-reads the CA state now (after an admin change on this node). */
    public void refreshListener() {
        renewal.lock();
        try {
            refreshListenerLocked();
        } finally {
            renewal.unlock();
        }
    }

    private void refreshListenerLocked() {
        listenerPeers.updateBundle(ca.bundle());
        controlPlane = renewed(controlPlane, WorkloadIdentity.CONTROL_PLANE_PATH, List.of("localhost"), keys);
        if (gatewayKeys != null) {
            upstreamPeers.updateBundle(ca.bundle());
            gateway = renewed(gateway, GATEWAY_PATH, List.of(), gatewayKeys);
        }
    }

    /** @return {@code current}, or a new SVID (swapped into {@code into}) when it is past half-life or its root left */
    private X509Svid renewed(X509Svid current, String path, List<String> dnsNames, SpiffeKeyManager into) {
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.halfLife()) && ca.bundle().x509Authorities().contains(rootOf(current))) {
            return current;
        }
        KeyPair pair = Csr.newKeyPair();
        Issuance.Issued issued = ca.issueInternal(pair.getPublic(), path, dnsNames, CONTROL_PLANE_TTL);
        X509Svid svid = X509Svid.of(issued.chain(), pair.getPrivate());
        into.update(svid);
        LOG.atInfo().setMessage("internal SVID renewed").addKeyValue("spiffeId", svid.spiffeId().toString())
                .addKeyValue("serial", svid.serial()).addKeyValue("expiresAt", svid.expiresAt().toString()).log();
        return svid;
    }

    /**
     * The gateway's own workload identity ({@code spiffe://<domain>/aegis/gateway}) for upstream mTLS: issued by
     * this CA on the first call and renewed at half-life by the ticker, like the control plane's; the trust manager
     * accepts upstream SVID chains of this trust domain (the route then checks the exact SPIFFE ID).
     *
     * @return key manager (renewed in place) and trust manager
     */
    public GatewayOptions.UpstreamIdentity gatewayIdentity() {
        renewal.lock();
        try {
            if (gatewayKeys == null) {
                gatewayKeys = new SpiffeKeyManager(null);
                refreshListenerLocked();
            }
            return new GatewayOptions.UpstreamIdentity(gatewayKeys, new SpiffeTrustManager(upstreamPeers));
        } finally {
            renewal.unlock();
        }
    }

    /** The root that signed the intermediate of {@code svid}, or null if no bundle root did. */
    private java.security.cert.X509Certificate rootOf(X509Svid svid) {
        java.security.cert.X509Certificate intermediate = svid.chain().get(1);
        for (java.security.cert.X509Certificate root : ca.bundle().x509Authorities()) {
            if (root.getSubjectX500Principal().equals(intermediate.getIssuerX500Principal())) {
                return root;
            }
        }
        return null;
    }

    private void loop() {
        while (running) {
            try {
                if (wake.tryAcquire(TICK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    wake.drainPermits();
                }
                ca.tick();
                pins.tick();
                refreshListener();
                federations.refreshDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.atWarn().setMessage("workload CA tick failed").addKeyValue("error", e.toString()).log();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        for (EventBus.Subscription sub : subscriptions) {
            sub.close();
        }
        ticker.interrupt();
        try {
            ticker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
