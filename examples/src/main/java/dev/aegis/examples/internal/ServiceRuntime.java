package dev.aegis.examples.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.aegis.examples.api.FleetService;
import dev.aegis.examples.api.RunningService;
import dev.aegis.examples.api.ServiceSettings;
import dev.aegis.sdk.api.audit.AuditClient;
import dev.aegis.sdk.api.authz.AuthzClient;
import dev.aegis.sdk.api.events.EventFeed;
import dev.aegis.sdk.api.guard.GuardFilter;
import dev.aegis.sdk.api.guard.ServiceGuard;
import dev.aegis.sdk.api.mtls.MtlsContext;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.token.AccessTokenCheck;
import dev.aegis.sdk.api.token.AccessTokenVerifier;
import dev.aegis.sdk.api.token.DpopProofVerifier;
import dev.aegis.sdk.api.token.RemoteJwks;
import dev.aegis.sdk.api.token.TokenEndpointClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fleet service, wired from the SDK only: its X509-SVID ({@link WorkloadIdentity}, renewing; the trust
 * manager accepts its caller and the next service), its client-credentials token for the event stream and the
 * audit trail, a {@link ServiceGuard} behind a {@link GuardFilter} that admits only its caller's SPIFFE ID and
 * tokens with its scope, ledger's relationship check ({@link AuthzClient}: may this user write to this account?,
 * cached, dropped by {@code authz.changed}), and the JDK's {@code HttpsServer} with client certificates required.
 */
public final class ServiceRuntime implements RunningService {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRuntime.class);

    private final FleetService service;
    private final WorkloadIdentity identity;
    private final AccessTokenVerifier verifier;
    private final ServiceGuard guard;
    private final List<AutoCloseable> parts;
    private final HttpsServer server;
    private final Downstream next;
    private final AuthzClient authz;
    private final URI uri;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServiceRuntime(FleetService service, WorkloadIdentity identity, AccessTokenVerifier verifier,
                           ServiceGuard guard, List<AutoCloseable> parts, HttpsServer server, Downstream next,
                           AuthzClient authz, String host) {
        this.service = service;
        this.identity = identity;
        this.verifier = verifier;
        this.guard = guard;
        this.parts = parts;
        this.server = server;
        this.next = next;
        this.authz = authz;
        this.uri = URI.create("https://" + host + ":" + server.getAddress().getPort());
    }

    /** @see RunningService#start */
    public static RunningService start(ServiceSettings s) throws IOException, InterruptedException {
        FleetService service = s.service();
        Clock clock = Clock.systemUTC();
        List<AutoCloseable> parts = new ArrayList<>(); // closed in reverse on failure or close
        try {
            HttpClient controlPlane = HttpClient.newBuilder().sslContext(ControlPlaneTrust.fromPem(s.controlPlaneCa()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            WorkloadIdentity identity = join(s, controlPlane, clock);
            parts.add(identity);
            String issuer = s.controlPlane().toString().replaceAll("/+$", "");
            TokenEndpointClient tokens = new TokenEndpointClient(controlPlane, URI.create(issuer + "/oauth2/token"),
                    service.id(), s.clientSecret(), clock);
            AccessTokenVerifier verifier = AccessTokenVerifier.create(issuer, service.id(),
                    RemoteJwks.fetch(controlPlane, URI.create(issuer + "/.well-known/jwks.json")), clock);
            List<String> topics = s.authzStore().isPresent() ? List.of("token.revoked", AuthzClient.CHANGED_TOPIC)
                    : List.of("token.revoked");
            EventFeed feed = EventFeed.start(controlPlane, URI.create(issuer), topics,
                    () -> tokens.serviceToken("aegis:events"), e -> { });
            parts.add(feed);
            verifier.followRevocations(feed);
            awaitCaughtUp(feed, service);
            AuditClient audit = AuditClient.start(controlPlane, URI.create(issuer), () -> tokens.serviceToken("aegis:audit"),
                    AuditClient.Settings.defaults());
            parts.add(audit);
            ServiceGuard guard = new ServiceGuard(service.id(), verifier,
                    new DpopProofVerifier(clock, Duration.ofMinutes(1)), audit, true);
            AuthzClient authz = s.authzStore().map(store -> new AuthzClient(controlPlane, URI.create(issuer), store,
                    () -> tokens.serviceToken("aegis:authz"), AuthzClient.Settings.defaults()).followChanges(feed)).orElse(null);
            Downstream next = s.next().map(url -> new Downstream(identity, tokens, service, url)).orElse(null);
            if (next != null) {
                parts.add(next);
            }
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            parts.add(executor::shutdownNow);
            HttpsServer server = listen(s, identity.sslContext(), executor);
            ServiceRuntime runtime = new ServiceRuntime(service, identity, verifier, guard, parts, server, next,
                    authz, s.host());
            runtime.serve(new FleetHandler(service, next, authz, guard), s);
            LOG.atInfo().setMessage("fleet service started").addKeyValue("service", service.id())
                    .addKeyValue("port", server.getAddress().getPort()).addKeyValue("spiffeId", identity.spiffeId()).log();
            return runtime;
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    /**
     * Joins the workload CA: the trust manager accepts the service's one caller and the next service (the filter
     * narrows the listener to the caller).
     */
    private static WorkloadIdentity join(ServiceSettings s, HttpClient controlPlane, Clock clock)
            throws IOException, InterruptedException {
        FleetService service = s.service();
        PeerAuthorizer peers = PeerAuthorizer.allowing(service.caller(s.trustDomain()));
        if (service.next().isPresent()) {
            peers = peers.orId(service.next().get().spiffeId(s.trustDomain()));
        }
        return WorkloadIdentity.builder().controlPlane(s.controlPlane()).mtlsEndpoint(s.mtlsEndpoint())
                .trustDomain(s.trustDomain()).joinToken(new String(s.joinToken().revealCopy(), StandardCharsets.UTF_8))
                .bootstrapClient(controlPlane).authorizer(peers).clock(clock).start();
    }

    /** Every revocation retained by the control plane is known before the first request is served. */
    private static void awaitCaughtUp(EventFeed feed, FleetService service) throws IOException, InterruptedException {
        if (!feed.awaitCaughtUp(Duration.ofSeconds(10))) {
            throw new IOException(service.id() + ": the event stream did not catch up within 10 s");
        }
    }

    private void serve(FleetHandler handler, ServiceSettings s) {
        server.createContext(service.path(), handler).getFilters().add(
                GuardFilter.requiring(guard, Set.of(service.scope()), service.action())
                        .callers(PeerAuthorizer.allowing(service.caller(s.trustDomain())))
                        .revocations(identity.peerVerifier()));
        server.createContext("/metrics", exchange -> text(exchange, metrics()));
        server.createContext("/healthz", exchange -> text(exchange, "ok\n"));
        server.start();
    }

    private static HttpsServer listen(ServiceSettings s, SSLContext tls, ExecutorService executor) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(s.host(), s.port()), 1024);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                params.setSSLParameters(MtlsContext.parameters()); // TLS 1.3/1.2, client certificate required
            }
        });
        server.setExecutor(executor);
        return server;
    }

    private static void text(HttpExchange exchange, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public FleetService service() {
        return service;
    }

    @Override
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public SpiffeId spiffeId() {
        return identity.spiffeId();
    }

    @Override
    public AccessTokenCheck verify(String token) {
        return verifier.verify(token);
    }

    @Override
    public String metrics() {
        return guard.prometheusText() + (next == null ? "" : next.prometheusText())
                + (authz == null ? "" : authz.prometheusText());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            closeAll(parts); // the request executor among them
        }
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                LOG.atWarn().setMessage("error while stopping").addKeyValue("error", e.toString()).log();
            }
        }
    }
}
