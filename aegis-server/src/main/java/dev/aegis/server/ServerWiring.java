package dev.aegis.server;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSink;
import dev.aegis.audit.api.JsonLinesAuditSink;
import dev.aegis.core.api.keys.KeyRotation;
import dev.aegis.identity.api.IdentityProvider;
import dev.aegis.policy.api.AuthzService;
import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.secrets.api.SealType;
import dev.aegis.secrets.api.SecretsEngine;
import dev.aegis.secrets.api.SecretsSettings;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.server.http.AdminAuth;
import dev.aegis.server.http.AuditIngestApi;
import dev.aegis.server.http.AuthzRoutes;
import dev.aegis.server.http.ControlPlaneApi;
import dev.aegis.server.http.EventStreamApi;
import dev.aegis.server.http.GatewayAdminApi;
import dev.aegis.server.http.PkiApi;
import dev.aegis.server.http.PlatformMetrics;
import dev.aegis.server.http.SecretsRoutes;
import dev.aegis.server.runtime.BootstrapCredential;
import dev.aegis.server.runtime.GatewayComponent;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The wiring of one Aegis process: one step per component, run in dependency order (platform, then the
 * modules, then the HTTP listener). Every component a step starts is remembered, so that a failed start can
 * stop them again in reverse order. Used once, by one thread, from {@link AegisServer#start}.
 */
final class ServerWiring {
    /** Events are kept this long for replay: longer than any token or SVID lives (DESIGN.md revocation). */
    private static final Duration EVENT_RETENTION = Duration.ofHours(24);
    /** How often a node reads the events other cluster nodes published: well under the 1 s revocation target. */
    private static final Duration EVENT_POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration EVENT_HEARTBEAT = Duration.ofSeconds(15);

    private final AegisConfig config;
    private final Clock clock;
    private final List<AutoCloseable> started = new ArrayList<>();
    /** Readiness: true from the start until {@link AegisServer#close()} begins. */
    private final AtomicBoolean accepting = new AtomicBoolean(true);

    ServerWiring(AegisConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Runs every step; the listener is up and the bootstrap credential issued when this returns. */
    AegisServer start() throws IOException, GeneralSecurityException {
        Platform platform = platform();
        BootstrapCredential bootstrap = new BootstrapCredential(platform.store(), platform.audit(), clock);
        IdentityProvider identity = identity(platform, bootstrap);
        AdminAuth admins = adminAuth(platform, bootstrap, identity);
        SecretsEngine secrets = secrets(platform, admins);
        PlatformMetrics metrics = new PlatformMetrics();
        metrics.bindAudit(platform.audit());
        PkiRuntime pki = pki(platform);
        GatewayComponent gateway = gateway(platform, metrics, pki);
        AuthzService authz = authz(platform);
        PkiApi pkiApi = new PkiApi(pki, admins);
        List<Consumer<HttpRouting.Builder>> features = List.of(eventStream(platform, admins)::register,
                new AuditIngestApi(platform.audit(), bearer -> admins.identify(bearer, AdminAuth.AUDIT_SCOPE))::register,
                identity::register, new AuthzRoutes(authz, admins, platform.audit())::register,
                new SecretsRoutes(secrets)::register, gatewayAdmin(platform, gateway, admins)::register,
                pkiApi::register);
        ControlPlaneApi api = controlPlane(platform, admins, metrics);
        WebServer web = listen(routing -> api.register(routing, features), pki, pkiApi);
        identity.issuer(AegisServer.baseUrl(config, web));
        // Issued only once the listener is up: a start that fails earlier must not burn the one-time credential.
        Optional<String> credential = bootstrap.issueIfFirstStart();
        return new AegisServer(config, platform, new Services(identity, authz, secrets, gateway, pki), web,
                credential, accepting);
    }

    /** Stops, in reverse order, everything the steps started so far (after a failed start). */
    void stopStarted() {
        for (int i = started.size() - 1; i >= 0; i--) {
            AegisServer.closeQuietly(started.get(i));
        }
    }

    private <T extends AutoCloseable> T started(T component) {
        started.add(component);
        return component;
    }

    /** Store, event stream, key material, audit log and key rotation: what every module builds on. */
    private Platform platform() throws IOException, GeneralSecurityException {
        Store store = started(Store.open(storeConfig()));
        EventBus events = new EventBus(store, clock, EVENT_RETENTION);
        events.startPolling(EVENT_POLL_INTERVAL);
        started(events);
        RootKeyFile rootKeyFile = RootKeyFile.openOrCreate(config.rootKeyFile());
        KeyMaterialStore keys = new KeyMaterialStore(store, rootKeyFile, clock);
        List<JsonLinesAuditSink> sinks = auditSinks();
        started.addAll(sinks);
        AuditLog audit = started(AuditLog.start(AegisServer.auditSettings(config), store, keys,
                List.<AuditSink>copyOf(sinks), clock));
        KeyRotationScheduler rotation = new KeyRotationScheduler(keys, new KeyRotation(config.rotationPolicy()),
                audit, clock, List.of(KeyMaterialStore.TOKENS_RING, KeyMaterialStore.AUDIT_RING));
        rotation.start();
        started(rotation);
        return new Platform(store, events, rootKeyFile, keys, sinks, audit, rotation);
    }

    /**
     * Secrets manager (issue 8): Vault's API under /v1/; KV version changes go to the event stream; its
     * {@code aegis} auth method takes the platform's access tokens as {@link AdminAuth} verifies them.
     */
    private SecretsEngine secrets(Platform platform, AdminAuth admins) {
        EventBus events = platform.events();
        SecretsEngine secrets = started(SecretsEngine.start(
                SecretsSettings.defaults(config.secrets().shamirSeal() ? SealType.SHAMIR : SealType.FILE),
                platform.store(), platform.audit(), platform.rootKeyFile(),
                (path, version, change) -> events.publish("secret.changed", path,
                        Map.of("version", Long.toString(version), "change", change)), admins::accessToken, clock));
        // Writes on other cluster nodes reach this node's KV read cache through the event stream.
        started(events.subscribe("secret.changed", events.latestSequence(), e -> secrets.invalidate(e.subject())));
        return secrets;
    }

    /**
     * The identity provider: revocations go to the event stream ({@code token.revoked}, subject = jti), and
     * revocations published by other nodes reach this node's introspection and userinfo checks.
     */
    private IdentityProvider identity(Platform platform, BootstrapCredential bootstrap) {
        EventBus events = platform.events();
        KeyRotationScheduler rotation = platform.rotation();
        IdentityProvider identity = IdentityProvider.start(config.identity(), platform.store(), platform.keys(),
                () -> rotation.ring(KeyMaterialStore.TOKENS_RING), platform.audit(),
                (jti, exp, clientId) -> events.publish("token.revoked", jti,
                        Map.of("exp", Long.toString(exp.getEpochSecond()), "client_id", clientId)),
                bootstrap::matches, config.rotationPolicy().maxTokenLifetime(), clock);
        events.subscribe("token.revoked", events.latestSequence(), event -> {
            String exp = event.attributes().get("exp");
            if (exp != null) {
                identity.revokedElsewhere(event.subject(), Instant.ofEpochSecond(Long.parseLong(exp)));
            }
        });
        return started(identity);
    }

    /** Who may call the admin APIs: the bootstrap credential or an admin-scoped access token not revoked. */
    private AdminAuth adminAuth(Platform platform, BootstrapCredential bootstrap, IdentityProvider identity) {
        KeyRotationScheduler rotation = platform.rotation();
        AdminAuth admins = new AdminAuth(bootstrap, kid -> rotation.ring(KeyMaterialStore.TOKENS_RING).find(kid),
                identity::issuer, platform.audit(), clock);
        // From the start of the retained stream: a token revoked before this node started stays refused.
        started(platform.events().subscribe(PlatformEvent.TOKEN_REVOKED, 0, e -> admins.revoked(e.subject(),
                Instant.ofEpochSecond(Long.parseLong(e.attributes().getOrDefault("exp", "0"))))));
        return admins;
    }

    private ControlPlaneApi controlPlane(Platform platform, AdminAuth admins, PlatformMetrics metrics) {
        return new ControlPlaneApi(platform.store(), platform.audit(), platform.rotation(), admins, metrics,
                accepting::get, Version.current(), config.rotationPolicy().publishAhead().dividedBy(4));
    }

    private EventStreamApi eventStream(Platform platform, AdminAuth admins) {
        return new EventStreamApi(platform.events(),
                bearer -> admins.identify(bearer, AdminAuth.EVENTS_SCOPE).isPresent(), EVENT_HEARTBEAT, accepting::get);
    }

    /** The gateway presents its own SVID from the in-process workload CA to mTLS upstreams. */
    private GatewayComponent gateway(Platform platform, PlatformMetrics metrics, PkiRuntime pki) {
        return started(GatewayComponent.start(config.gateway(), platform.store(), platform.audit(), platform.events(),
                metrics.registry(), clock, config.gateway().isPresent() ? pki::gatewayIdentity : null));
    }

    private GatewayAdminApi gatewayAdmin(Platform platform, GatewayComponent gateway, AdminAuth admins) {
        return new GatewayAdminApi(gateway, bearer -> admins.identify(bearer, AdminAuth.ADMIN_SCOPE).isPresent(),
                platform.audit(), platform.events());
    }

    private AuthzService authz(Platform platform) {
        AegisConfig.Policy p = config.policy();
        AuthzSettings settings = AuthzSettings.defaults().withMaxDepth(p.maxDepth()).withMaxListResults(p.maxListResults())
                .withDecisionCacheSize(p.decisionCacheSize()).withAuditAllowSampleRate(p.auditAllowSampleRate())
                .withParallelUnions(p.parallelUnions());
        return started(AuthzService.start(platform.store(), platform.audit(), platform.events(), settings, clock,
                List.of()));
    }

    private PkiRuntime pki(Platform platform) {
        return started(PkiRuntime.start(config.pki(), platform.store(), platform.keys(), platform.audit(),
                platform.events(), clock));
    }

    private StoreConfig storeConfig() {
        AegisConfig.Storage storage = config.storage();
        StoreConfig store = storage.embedded()
                ? StoreConfig.embedded(config.dataDir())
                : StoreConfig.postgres(storage.postgresUrl(), storage.postgresUser(), storage.postgresPassword());
        return store.withMaxPoolSize(storage.poolSize());
    }

    private List<JsonLinesAuditSink> auditSinks() throws IOException {
        Optional<String> target = config.audit().jsonLines();
        if (target.isEmpty()) {
            return List.of();
        }
        // A relative file name lives in the data directory, beside the database it mirrors.
        return List.of("stdout".equals(target.get())
                ? JsonLinesAuditSink.toStdout()
                : JsonLinesAuditSink.toFile(config.dataDir().resolve(Path.of(target.get()))));
    }

    /** Builds and starts the HTTP listener and the workload mTLS listener; fails if either is not bound. */
    private WebServer listen(Consumer<HttpRouting.Builder> routes, PkiRuntime pki, PkiApi pkiApi)
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
                .putSocket(AegisServer.PKI_MTLS_SOCKET, socket -> socket.host(server.host()).port(config.pki().mtlsPort())
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
        WebServer web = builder.build().start();
        started.add(web::stop);
        if (!web.isRunning() || web.port() <= 0 || web.port(AegisServer.PKI_MTLS_SOCKET) <= 0) {
            // Helidon logs a bind failure and returns instead of throwing; Aegis must not report "up". A failed
            // named socket (the workload mTLS listener) stops the whole server, so name both addresses.
            throw new IllegalStateException("cannot listen on " + server.host() + ":" + server.port()
                    + " or, for workload mTLS (pki.mtls.port), on " + server.host() + ":" + config.pki().mtlsPort()
                    + " (address in use or not available)");
        }
        return web;
    }
}
