package dev.aegis.sdk.api.mtls;

import static dev.aegis.sdk.api.mtls.ControlPlaneHttp.post;
import static dev.aegis.sdk.api.mtls.ControlPlaneHttp.send;

import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.sdk.internal.Certificates;
import dev.aegis.sdk.internal.Csr;
import dev.aegis.sdk.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A workload's identity from the Aegis workload CA, kept current in the background: it joins once with a
 * one-time join token (a fresh P-256 key, only the CSR is sent), renews its X509-SVID over mTLS at half-life,
 * refreshes the trust bundle (its own and federated ones), the pin policies and the revocation list, and swaps
 * them into its key and trust managers live. {@link #sslContext()} is the one line a service needs:
 * {@code HttpClient.newBuilder().sslContext(identity.sslContext())} or
 * {@code Tls.builder().sslContext(identity.sslContext()).clientAuth(TlsClientAuth.REQUIRED)} for Helidon.
 *
 * <p>Peers are checked by {@link PeerVerifier} against the allow-list given to the builder (deny by default);
 * the control plane itself is authenticated by its SPIFFE ID {@code spiffe://<domain>/aegis/control-plane}.
 *
 * <p>Thread-safe. One daemon thread does the background work; {@link #close()} stops it.
 */
public final class WorkloadIdentity implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadIdentity.class);
    /** The path of the control plane's own SPIFFE ID in every Aegis trust domain. */
    public static final String CONTROL_PLANE_PATH = "/aegis/control-plane";

    private final Builder config;
    private final Clock clock;
    private final SpiffeKeyManager keys = new SpiffeKeyManager(null);
    private final PeerVerifier peers;
    private final PeerVerifier controlPlanePeer;
    private final SSLContext sslContext;
    private final HttpClient mtlsClient;
    private final ScheduledExecutorService background;
    private volatile X509Svid svid;
    private final TrustSync trust;

    private WorkloadIdentity(Builder b) {
        this.config = b;
        this.clock = b.clock;
        this.peers = new PeerVerifier(b.authorizer, clock);
        this.controlPlanePeer = new PeerVerifier(PeerAuthorizer.denyAll(), clock);
        this.sslContext = MtlsContext.create(keys, new SpiffeTrustManager(peers, b.observer));
        SSLContext controlPlaneTls = MtlsContext.create(keys, new SpiffeTrustManager(controlPlanePeer));
        this.mtlsClient = HttpClient.newBuilder().sslContext(controlPlaneTls).connectTimeout(Duration.ofSeconds(5)).build();
        this.trust = new TrustSync(mtlsClient, b.mtlsEndpoint, b.trustDomain, peers, controlPlanePeer, clock);
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aegis-sdk-identity");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** The SSL context presenting this workload's SVID and checking peers; stays valid across rotations. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** @return the key manager (for frameworks that take one) */
    public SpiffeKeyManager keyManager() {
        return keys;
    }

    /** @return the peer verifier behind the trust manager */
    public PeerVerifier peerVerifier() {
        return peers;
    }

    /** @return the current SVID */
    public X509Svid svid() {
        return svid;
    }

    /** @return this workload's SPIFFE ID */
    public SpiffeId spiffeId() {
        return svid.spiffeId();
    }

    private void join() throws IOException, InterruptedException {
        TrustBundle bootstrap = config.bootstrapBundle != null ? config.bootstrapBundle : fetchBootstrapBundle();
        trust.install(bootstrap);
        KeyPair pair = Csr.newKeyPair();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("joinToken", config.joinToken);
        body.put("csr", Base64.getEncoder().encodeToString(Csr.create(pair, null)));
        HttpClient plain = config.bootstrapClient;
        Map<String, Object> answer = send(plain, post(config.controlPlane.resolve("/pki/v1/svid"), body));
        accept(answer, pair);
        config.joinToken = null;
    }

    private TrustBundle fetchBootstrapBundle() throws IOException, InterruptedException {
        HttpResponse<String> r = config.bootstrapClient.send(HttpRequest.newBuilder(config.controlPlane.resolve("/pki/v1/bundle"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("trust bundle fetch failed: HTTP " + r.statusCode());
        }
        return TrustBundle.parse(config.trustDomain, r.body());
    }

    private void accept(Map<String, Object> answer, KeyPair pair) {
        List<X509Certificate> chain = Certificates.fromBase64(Json.strings(answer, "x5c"));
        X509Svid next = X509Svid.of(chain, pair.getPrivate());
        if (!next.spiffeId().memberOf(config.trustDomain)) {
            throw new IllegalStateException("the CA issued an SVID outside trust domain " + config.trustDomain);
        }
        svid = next;
        keys.update(next);
        LOG.atInfo().setMessage("SVID installed").addKeyValue("spiffeId", next.spiffeId().toString())
                .addKeyValue("serial", next.serial()).addKeyValue("expiresAt", next.expiresAt().toString()).log();
    }

    /** Renews the SVID now over mTLS (normally the background does this at half-life). */
    public void renewNow() throws IOException, InterruptedException {
        KeyPair pair = Csr.newKeyPair();
        Map<String, Object> body = Map.of("csr", Base64.getEncoder().encodeToString(Csr.create(pair, svid.spiffeId())));
        accept(send(mtlsClient, post(config.mtlsEndpoint.resolve("/pki/v1/svid/renew"), body)), pair);
    }

    /** Refetches the trust bundles (own and federated), pin policies and revocations now. */
    public void refreshTrustNow() throws IOException, InterruptedException {
        trust.refresh();
    }

    /** Polls the revocation list now (conditional GET); cached TLS sessions of newly revoked peers are dropped. */
    public void pollRevocations() throws IOException, InterruptedException {
        trust.pollRevocations();
    }

    /**
     * Fetches a JWT-SVID (SPIFFE JWT-SVID spec) for {@code audience}, authenticated by this workload's X509-SVID.
     *
     * @return the compact JWS
     */
    public String jwtSvid(String audience) throws IOException, InterruptedException {
        Map<String, Object> answer = send(mtlsClient, post(config.mtlsEndpoint.resolve("/pki/v1/jwt-svid"),
                Map.of("audience", List.of(audience))));
        return Json.string(answer, "token");
    }

    /**
     * @param audience the audience this service accepts
     * @return a verifier of JWT-SVIDs against the JWT authorities of the current bundle
     */
    public JwtVerifier jwtSvidVerifier(String audience) {
        TrustBundle b = peers.bundle(config.trustDomain).orElseThrow();
        return JwtVerifier.builder().keys(kid -> {
            for (var k : b.jwtAuthorities()) {
                if (k.keyId().equals(kid)) {
                    return java.util.Optional.of(k);
                }
            }
            return java.util.Optional.empty();
        }).audience(audience).clock(clock).build();
    }

    private void schedule() {
        scheduleRenewal(Duration.between(clock.instant(), svid.halfLife()));
        long trustMillis = config.trustRefresh.toMillis();
        background.scheduleWithFixedDelay(() -> quietly("trust refresh", this::refreshTrustNow), trustMillis, trustMillis, TimeUnit.MILLISECONDS);
        long pollMillis = config.revocationPoll.toMillis();
        background.scheduleWithFixedDelay(() -> quietly("revocation poll", this::pollRevocations), pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    private void scheduleRenewal(Duration delay) {
        long millis = Math.max(0, delay.toMillis());
        background.schedule(() -> {
            try {
                renewNow();
                scheduleRenewal(Duration.between(clock.instant(), svid.halfLife()));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // Retry well before expiry: a tenth of what is left, between 1 s and 30 s.
                long left = Duration.between(clock.instant(), svid.expiresAt()).toMillis();
                long retry = Math.max(1000, Math.min(30_000, left / 10));
                LOG.atWarn().setMessage("SVID renewal failed; retrying").addKeyValue("retryMillis", retry)
                        .addKeyValue("error", e.toString()).log();
                scheduleRenewal(Duration.ofMillis(retry));
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    private interface Io {
        void run() throws IOException, InterruptedException;
    }

    private static void quietly(String what, Io work) {
        try {
            work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.atWarn().setMessage(what + " failed").addKeyValue("error", e.toString()).log();
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
        mtlsClient.close();
    }

    /** Configuration of a {@link WorkloadIdentity}; {@link #start()} joins and starts the background work. */
    public static final class Builder {
        private URI controlPlane;
        private URI mtlsEndpoint;
        private TrustDomain trustDomain;
        private String joinToken;
        private TrustBundle bootstrapBundle;
        private PeerAuthorizer authorizer = PeerAuthorizer.denyAll();
        private java.util.function.Consumer<PeerCheck> observer = c -> { };
        private HttpClient bootstrapClient;
        private Duration trustRefresh = Duration.ofMinutes(1);
        private Duration revocationPoll = Duration.ofMillis(500);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The control plane's main listener (join, bootstrap bundle). */
        public Builder controlPlane(URI uri) {
            this.controlPlane = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The control plane's mTLS listener (renewal, bundles, pins, revocations, JWT-SVIDs). */
        public Builder mtlsEndpoint(URI uri) {
            this.mtlsEndpoint = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** This workload's trust domain. */
        public Builder trustDomain(TrustDomain domain) {
            this.trustDomain = Objects.requireNonNull(domain, "domain");
            return this;
        }

        /** The one-time join token an administrator minted for this workload (used once, then forgotten). */
        public Builder joinToken(String token) {
            this.joinToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * The trust bundle to start from, delivered out of band. Without one, the bundle is fetched from the
         * control plane's main listener, which is only as trustworthy as that connection (use HTTPS there).
         */
        public Builder bootstrapBundle(TrustBundle bundle) {
            this.bootstrapBundle = bundle;
            return this;
        }

        /** The HTTP client for the main listener (e.g. with the TLS settings of that listener). */
        public Builder bootstrapClient(HttpClient client) {
            this.bootstrapClient = client;
            return this;
        }

        /** Which peers this workload accepts (deny by default). */
        public Builder authorizer(PeerAuthorizer value) {
            this.authorizer = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Sees every peer decision (metrics, logs); must be quick. */
        public Builder observer(java.util.function.Consumer<PeerCheck> value) {
            this.observer = Objects.requireNonNull(value, "value");
            return this;
        }

        /** How often bundles and pin policies are refetched (default 1 min). */
        public Builder trustRefresh(Duration value) {
            this.trustRefresh = Objects.requireNonNull(value, "value");
            return this;
        }

        /** How often the revocation list is polled (default 500 ms; a 304 costs one small request). */
        public Builder revocationPoll(Duration value) {
            this.revocationPoll = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Time source. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "value");
            return this;
        }

        /**
         * Joins (fetches the first SVID with the join token), loads bundles, pins and revocations, and starts
         * the background renewal.
         *
         * @throws IOException when the control plane refuses or cannot be reached (the message names the error code)
         */
        public WorkloadIdentity start() throws IOException, InterruptedException {
            Objects.requireNonNull(controlPlane, "controlPlane");
            Objects.requireNonNull(mtlsEndpoint, "mtlsEndpoint");
            Objects.requireNonNull(trustDomain, "trustDomain");
            Objects.requireNonNull(joinToken, "joinToken");
            if (bootstrapClient == null) {
                bootstrapClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            }
            WorkloadIdentity identity = new WorkloadIdentity(this);
            try {
                identity.join();
                identity.refreshTrustNow();
                identity.schedule();
                return identity;
            } catch (IOException | InterruptedException | RuntimeException e) {
                identity.close();
                throw e;
            }
        }
    }

    /** @return when the current SVID expires */
    public Instant expiresAt() {
        return svid.expiresAt();
    }
}
