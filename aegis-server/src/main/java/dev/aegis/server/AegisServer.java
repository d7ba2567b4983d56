package dev.aegis.server;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditFailureMode;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.audit.api.AuditSink;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.audit.api.JsonLinesAuditSink;
import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.core.api.keys.KeyRotation;
import dev.aegis.identity.api.IdentityProvider;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.policy.api.AuthzService;
import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.server.http.AuditIngestApi;
import dev.aegis.server.http.AuthzRoutes;
import dev.aegis.server.http.ControlPlaneApi;
import dev.aegis.server.http.AdminAuth;
import dev.aegis.server.http.GatewayAdminApi;
import dev.aegis.server.runtime.GatewayComponent;
import dev.aegis.server.http.EventStreamApi;
import dev.aegis.server.http.PkiApi;
import dev.aegis.server.http.PlatformMetrics;
import dev.aegis.server.http.SecretsRoutes;
import dev.aegis.secrets.api.SealType;
import dev.aegis.secrets.api.SecretsEngine;
import dev.aegis.secrets.api.SecretsSettings;
import dev.aegis.server.runtime.BootstrapCredential;
import dev.aegis.server.runtime.KeyRotationScheduler;
import dev.aegis.server.runtime.PkiRuntime;
import dev.aegis.server.tls.ServerTls;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.PlatformEvent;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Aegis process on the embedded default or a cluster database: store, key material, audit log,
 * key rotation and the HTTP listener, started in dependency order and stopped in reverse.
 *
 * <p>{@link #close()} is the graceful shutdown: readiness goes down, the listener drains in-flight requests
 * for the configured grace period, the stop is audited, the audit queue is drained, the store is closed.
 * Thread-safe; close is idempotent.
 */
public final class AegisServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AegisServer.class);

    /** Events are kept this long for replay: longer than any token or SVID lives (DESIGN.md revocation). */
    private static final Duration EVENT_RETENTION = Duration.ofHours(24);
    /** How often a node reads the events other cluster nodes published: well under the 1 s revocation target. */
    private static final Duration EVENT_POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration EVENT_HEARTBEAT = Duration.ofSeconds(15);
    /** Helidon named socket of the workload CA's mTLS listener. */
    private static final String PKI_MTLS_SOCKET = "pki-mtls";

    private final AegisConfig config;
    private final Store store;
    private final EventBus events;
    private final AuditLog audit;
    private final List<JsonLinesAuditSink> sinks;
    private final KeyRotationScheduler rotation;
    private final AuthzService authz;
    private final PkiRuntime pki;
    private final WebServer web;
    private final GatewayComponent gateway;
    private final Optional<String> bootstrapCredential;
    private final IdentityProvider identity;
    private final SecretsEngine secrets;
    private final ReentrantLock closeLock = new ReentrantLock();
    private volatile boolean accepting = true;
    private boolean closed;

    private AegisServer(AegisConfig config, Store store, EventBus events, AuditLog audit, List<JsonLinesAuditSink> sinks,
                        KeyRotationScheduler rotation, WebServer web, Optional<String> bootstrapCredential,
                        IdentityProvider identity, AuthzService authz, SecretsEngine secrets, GatewayComponent gateway,
                        PkiRuntime pki) {
        this.config = config;
        this.store = store;
        this.events = events;
        this.audit = audit;
        this.sinks = sinks;
        this.rotation = rotation;
        this.authz = authz;
        this.pki = pki;
        this.web = web;
        this.gateway = gateway;
        this.bootstrapCredential = bootstrapCredential;
        this.identity = identity;
        this.secrets = secrets;
    }

    /**
     * Starts Aegis. On failure everything already started is stopped again before the exception propagates.
     *
     * @throws StartupException with a one-line, operator-facing reason
     */
    public static AegisServer start(AegisConfig config, Clock clock) {
        CryptoProviders.installPreferred();
        // H2's automatic server (which lets `aegis audit verify` read a running node's data) listens on all
        // interfaces unless told otherwise; keep it on loopback.
        System.setProperty("h2.bindAddress", "127.0.0.1");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Store store = Store.open(storeConfig(config));
            started.add(store);
            EventBus events = new EventBus(store, clock, EVENT_RETENTION);
            events.startPolling(EVENT_POLL_INTERVAL);
            started.add(events);
            RootKeyFile rootKeyFile = RootKeyFile.openOrCreate(config.rootKeyFile());
            KeyMaterialStore keys = new KeyMaterialStore(store, rootKeyFile, clock);
            List<JsonLinesAuditSink> sinks = auditSinks(config);
            started.addAll(sinks);
            AuditLog audit = AuditLog.start(auditSettings(config), store, keys, List.<AuditSink>copyOf(sinks), clock);
            started.add(audit);
            KeyRotationScheduler rotation = new KeyRotationScheduler(keys, new KeyRotation(config.rotationPolicy()),
                    audit, clock, List.of(KeyMaterialStore.TOKENS_RING, KeyMaterialStore.AUDIT_RING));
            rotation.start();
            started.add(rotation);
            // Secrets manager (issue 8): Vault's API under /v1/; KV version changes go to the event stream.
            SecretsEngine secrets = SecretsEngine.start(
                    SecretsSettings.defaults(config.secrets().shamirSeal() ? SealType.SHAMIR : SealType.FILE),
                    store, audit, rootKeyFile, (path, version, change) -> events.publish("secret.changed", path,
                            java.util.Map.of("version", Long.toString(version), "change", change)), clock);
            started.add(secrets);
            // Writes on other cluster nodes reach this node's KV read cache through the event stream.
            started.add(events.subscribe("secret.changed", events.latestSequence(), e -> secrets.invalidate(e.subject())));
            BootstrapCredential bootstrap = new BootstrapCredential(store, audit, clock);
            IdentityProvider identity = startIdentity(config, store, keys, rotation, audit, events, bootstrap, clock);
            started.add(identity);
            AdminAuth admins = new AdminAuth(bootstrap, kid -> rotation.ring(KeyMaterialStore.TOKENS_RING).find(kid),
                    identity::issuer, audit, clock);
            // From the start of the retained stream: a token revoked before this node started stays refused.
            started.add(events.subscribe(PlatformEvent.TOKEN_REVOKED, 0, e -> admins.revoked(e.subject(),
                    Instant.ofEpochSecond(Long.parseLong(e.attributes().getOrDefault("exp", "0"))))));
            PlatformMetrics metrics = new PlatformMetrics();
            metrics.bindAudit(audit);
            AegisServer[] self = new AegisServer[1];
            ControlPlaneApi api = new ControlPlaneApi(store, audit, rotation, bootstrap, metrics,
                    () -> self[0] == null || self[0].accepting, Version.current(),
                    config.rotationPolicy().publishAhead().dividedBy(4));
            PkiRuntime pki = PkiRuntime.start(config.pki(), store, keys, audit, events, clock);
            started.add(pki);
            // The gateway presents its own SVID from the in-process workload CA to mTLS upstreams.
            GatewayComponent gateway = GatewayComponent.start(config.gateway(), store, audit, events,
                    metrics.registry(), clock, config.gateway().isPresent() ? pki::gatewayIdentity : null);
            started.add(gateway);
            EventStreamApi eventStream = new EventStreamApi(events,
                    bearer -> admins.identify(bearer, AdminAuth.EVENTS_SCOPE).isPresent(), EVENT_HEARTBEAT,
                    () -> self[0] == null || self[0].accepting);

            GatewayAdminApi gatewayAdmin = new GatewayAdminApi(gateway,
                    bearer -> admins.identify(bearer, AdminAuth.ADMIN_SCOPE).isPresent(), audit, events);
            AuditIngestApi auditIngest = new AuditIngestApi(audit, bearer -> admins.identify(bearer, AdminAuth.AUDIT_SCOPE));
            AuthzService authz = AuthzService.start(store, audit, events, authzSettings(config), clock, List.of());
            started.add(authz);
            AuthzRoutes authzRoutes = new AuthzRoutes(authz, admins, audit);
            PkiApi pkiApi = new PkiApi(pki, admins);
            List<Consumer<HttpRouting.Builder>> features = List.of(eventStream::register, auditIngest::register,
                    identity::register, authzRoutes::register, new SecretsRoutes(secrets)::register,
                    gatewayAdmin::register, pkiApi::register);
            WebServer web = webServer(config, routing -> api.register(routing, features), pki, pkiApi).start();
            started.add(web::stop);
            if (!web.isRunning() || web.port() <= 0 || web.port(PKI_MTLS_SOCKET) <= 0) {
                // Helidon logs a bind failure and returns instead of throwing; Aegis must not report "up". A failed
                // named socket (the workload mTLS listener) stops the whole server, so name both addresses.
                throw new IllegalStateException("cannot listen on " + config.server().host() + ":" + config.server().port()
                        + " or, for workload mTLS (pki.mtls.port), on " + config.server().host() + ":" + config.pki().mtlsPort()
                        + " (address in use or not available)");
            }
            identity.issuer(baseUrl(config, web));
            // Issued only once the listener is up: a start that fails earlier must not burn the one-time credential.
            Optional<String> credential = bootstrap.issueIfFirstStart();
            self[0] = new AegisServer(config, store, events, audit, sinks, rotation, web, credential, identity, authz,
                    secrets, gateway, pki);
            self[0].auditLifecycle("server.start");
            LOG.atInfo().setMessage("aegis started").addKeyValue("port", web.port())
                    .addKeyValue("tls", web.hasTls()).addKeyValue("storage", store.dialect())
                    .addKeyValue("cryptoProvider", CryptoProviders.active()).log();
            return self[0];
        } catch (RuntimeException | IOException | GeneralSecurityException e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                closeQuietly(started.get(i));
            }
            throw new StartupException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    /**
     * The identity provider: revocations go to the event stream ({@code token.revoked}, subject = jti), and
     * revocations published by other nodes reach this node's introspection and userinfo checks.
     */
    private static IdentityProvider startIdentity(AegisConfig config, Store store, KeyMaterialStore keys,
                                                  KeyRotationScheduler rotation, AuditLog audit, EventBus events,
                                                  BootstrapCredential bootstrap, Clock clock) {
        IdentityProvider identity = IdentityProvider.start(config.identity(), store, keys,
                () -> rotation.ring(KeyMaterialStore.TOKENS_RING), audit,
                (jti, exp, clientId) -> events.publish("token.revoked", jti,
                        Map.of("exp", Long.toString(exp.getEpochSecond()), "client_id", clientId)),
                bootstrap::matches, config.rotationPolicy().maxTokenLifetime(), clock);
        events.subscribe("token.revoked", events.latestSequence(), event -> {
            String exp = event.attributes().get("exp");
            if (exp != null) {
                identity.revokedElsewhere(event.subject(), Instant.ofEpochSecond(Long.parseLong(exp)));
            }
        });
        return identity;
    }

    private static String baseUrl(AegisConfig config, WebServer web) {
        String host = config.server().host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (web.hasTls() ? "https://" : "http://") + host + ":" + web.port();
    }

    /** The authorization engine (for in-process callers: benchmarks, imports, the gateway's hook). */
    public AuthzService authz() {
        return authz;
    }

    /** The port the listener is bound to (useful with port 0). */
    public int port() {
        return web.port();
    }

    /** The base URL of the listener. */
    public String baseUrl() {
        return baseUrl(config, web);
    }

    /** The gateway's listener port, if the gateway runs in this process. */
    public Optional<Integer> gatewayPort() {
        return gateway.gateway().map(g -> g.port());
    }

    /** The bootstrap admin credential in clear text, present only on the first start of an installation. */
    public Optional<String> bootstrapCredential() {
        return bootstrapCredential;
    }

    /** The port of the workload CA's mTLS listener (renewal, JWT-SVIDs, trust documents for SDKs). */
    public int mtlsPort() {
        return web.port(PKI_MTLS_SOCKET);
    }

    /** The base URL of the workload CA's mTLS listener. */
    public String mtlsUrl() {
        String host = config.server().host();
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + mtlsPort();
    }

    /** The workload CA of this node. */
    public PkiRuntime pki() {
        return pki;
    }

    /** The platform event stream of this node (revocations and changes). */
    public EventBus events() {
        return events;
    }

    /** The initial root token of the secrets manager, present only on its first start with the file seal. */
    public Optional<String> secretsRootToken() {
        return secrets.initialRootToken();
    }

    /** Whether the secrets barrier is sealed (Shamir seal before {@code aegis operator unseal}). */
    public boolean secretsSealed() {
        return secrets.sealed();
    }

    public AegisConfig config() {
        return config;
    }

    @Override
    public void close() {
        closeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            accepting = false;
            LOG.atInfo().setMessage("aegis stopping").log();
            drainDelay();
            web.stop(); // waits up to server.shutdown-grace for in-flight requests
            closeQuietly(gateway);
            rotation.close();
            closeQuietly(pki);
            closeQuietly(secrets);
            closeQuietly(authz);
            closeQuietly(identity);
            auditLifecycle("server.stop");
            closeQuietly(audit);
            for (JsonLinesAuditSink sink : sinks) {
                closeQuietly(sink);
            }
            closeQuietly(events);
            closeQuietly(store);
            LOG.atInfo().setMessage("aegis stopped").log();
        } finally {
            closeLock.unlock();
        }
    }

    /**
     * Readiness is already DOWN; keep serving for a moment (a quarter of the grace period, at most 5 s) so load
     * balancers that poll /readyz stop routing here before the listener refuses connections.
     */
    private void drainDelay() {
        long millis = Math.min(config.server().shutdownGrace().toMillis() / 4, 5000);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void auditLifecycle(String action) {
        try {
            audit.record(AuditEvent.builder(action).actor("aegis").decision(AuditDecision.INFO)
                    .service("aegis-server").detail("version", Version.current()).build());
        } catch (AuditUnavailableException e) {
            LOG.atError().setMessage("lifecycle event could not be audited").addKeyValue("action", action).log();
        }
    }

    private static AuthzSettings authzSettings(AegisConfig config) {
        AegisConfig.Policy p = config.policy();
        return AuthzSettings.defaults().withMaxDepth(p.maxDepth()).withMaxListResults(p.maxListResults())
                .withDecisionCacheSize(p.decisionCacheSize()).withAuditAllowSampleRate(p.auditAllowSampleRate())
                .withParallelUnions(p.parallelUnions());
    }

    private static StoreConfig storeConfig(AegisConfig config) {
        AegisConfig.Storage storage = config.storage();
        StoreConfig store = storage.embedded()
                ? StoreConfig.embedded(config.dataDir())
                : StoreConfig.postgres(storage.postgresUrl(), storage.postgresUser(), storage.postgresPassword());
        return store.withMaxPoolSize(storage.poolSize());
    }

    /** The audit settings a server with this configuration runs with (also what `audit verify` expects). */
    public static AuditSettings auditSettings(AegisConfig config) {
        return AuditSettings.defaults()
                .withFailureMode(config.audit().failClosed() ? AuditFailureMode.FAIL_CLOSED : AuditFailureMode.FAIL_OPEN)
                .withRecordTimeout(config.audit().recordTimeout());
    }

    private static List<JsonLinesAuditSink> auditSinks(AegisConfig config) throws IOException {
        Optional<String> target = config.audit().jsonLines();
        if (target.isEmpty()) {
            return List.of();
        }
        // A relative file name lives in the data directory, beside the database it mirrors.
        return List.of("stdout".equals(target.get())
                ? JsonLinesAuditSink.toStdout()
                : JsonLinesAuditSink.toFile(config.dataDir().resolve(Path.of(target.get()))));
    }

    private static WebServer webServer(AegisConfig config, Consumer<HttpRouting.Builder> routes, PkiRuntime pki, PkiApi pkiApi)
            throws IOException, GeneralSecurityException {
        AegisConfig.Server server = config.server();
        var builder = WebServer.builder()
                .host(server.host())
                .port(server.port())
                .shutdownHook(false) // Main stops Aegis in order; Helidon must not stop the listener by itself
                .shutdownGracePeriod(server.shutdownGrace())
                .maxPayloadSize(server.maxBodyBytes())
                .routing(routes)
                // A second listener for workload mTLS (SVID renewal and SDK trust documents): client SVID required,
                // its key and trust managers follow CA and SVID rotation live.
                .putSocket(PKI_MTLS_SOCKET, socket -> socket.host(server.host()).port(config.pki().mtlsPort())
                        .shutdownGracePeriod(server.shutdownGrace())
                        .maxPayloadSize(server.maxBodyBytes())
                        .tls(Tls.builder().sslContext(pki.listenerTls()).clientAuth(TlsClientAuth.REQUIRED).build())
                        .routing(pkiApi::registerMtls));
        if (server.tls().isPresent()) {
            AegisConfig.Tls tls = server.tls().get();
            ServerTls material = ServerTls.fromPem(tls.certificate(), tls.privateKey(), tls.clientCa().orElse(null));
            builder.tls(Tls.builder().sslContext(material.sslContext()).clientAuth(switch (tls.clientAuth()) {
                case NONE -> TlsClientAuth.NONE;
                case OPTIONAL -> TlsClientAuth.OPTIONAL;
                case REQUIRED -> TlsClientAuth.REQUIRED;
            }).build());
        }
        return builder.build();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.atWarn().setMessage("error while stopping").addKeyValue("component", closeable.getClass().getSimpleName())
                    .addKeyValue("error", e.toString()).log();
        }
    }

    /** Aegis could not start; the message is one line for the operator. */
    public static final class StartupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
