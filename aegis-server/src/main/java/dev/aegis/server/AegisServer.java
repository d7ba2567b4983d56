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
import dev.aegis.server.http.AuditIngestApi;
import dev.aegis.server.http.ControlPlaneApi;
import dev.aegis.server.http.EventStreamApi;
import dev.aegis.server.http.PlatformMetrics;
import dev.aegis.server.runtime.BootstrapCredential;
import dev.aegis.server.runtime.KeyRotationScheduler;
import dev.aegis.server.tls.ServerTls;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.KeyMaterialStore;
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

    private final AegisConfig config;
    private final Store store;
    private final EventBus events;
    private final AuditLog audit;
    private final List<JsonLinesAuditSink> sinks;
    private final KeyRotationScheduler rotation;
    private final WebServer web;
    private final Optional<String> bootstrapCredential;
    private final IdentityProvider identity;
    private final ReentrantLock closeLock = new ReentrantLock();
    private volatile boolean accepting = true;
    private boolean closed;

    private AegisServer(AegisConfig config, Store store, EventBus events, AuditLog audit, List<JsonLinesAuditSink> sinks,
                        KeyRotationScheduler rotation, WebServer web, Optional<String> bootstrapCredential,
                        IdentityProvider identity) {
        this.config = config;
        this.store = store;
        this.events = events;
        this.audit = audit;
        this.sinks = sinks;
        this.rotation = rotation;
        this.web = web;
        this.bootstrapCredential = bootstrapCredential;
        this.identity = identity;
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
            KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(config.rootKeyFile()), clock);
            List<JsonLinesAuditSink> sinks = auditSinks(config);
            started.addAll(sinks);
            AuditLog audit = AuditLog.start(auditSettings(config), store, keys, List.<AuditSink>copyOf(sinks), clock);
            started.add(audit);
            KeyRotationScheduler rotation = new KeyRotationScheduler(keys, new KeyRotation(config.rotationPolicy()),
                    audit, clock, List.of(KeyMaterialStore.TOKENS_RING, KeyMaterialStore.AUDIT_RING));
            rotation.start();
            started.add(rotation);
            BootstrapCredential bootstrap = new BootstrapCredential(store, audit, clock);
            IdentityProvider identity = startIdentity(config, store, keys, rotation, audit, events, bootstrap, clock);
            started.add(identity);
            PlatformMetrics metrics = new PlatformMetrics();
            metrics.bindAudit(audit);
            AegisServer[] self = new AegisServer[1];
            ControlPlaneApi api = new ControlPlaneApi(store, audit, rotation, bootstrap, metrics,
                    () -> self[0] == null || self[0].accepting, Version.current(),
                    config.rotationPolicy().publishAhead().dividedBy(4));
            EventStreamApi eventStream = new EventStreamApi(events, bootstrap::matches, EVENT_HEARTBEAT,
                    () -> self[0] == null || self[0].accepting);
            AuditIngestApi auditIngest = new AuditIngestApi(audit,
                    bearer -> bootstrap.matches(bearer) ? Optional.of("bootstrap-admin") : Optional.empty());
            List<Consumer<HttpRouting.Builder>> features = List.of(eventStream::register, auditIngest::register,
                    identity::register);
            WebServer web = webServer(config, routing -> api.register(routing, features)).start();
            started.add(web::stop);
            if (!web.isRunning() || web.port() <= 0) {
                // Helidon logs a bind failure and returns instead of throwing; Aegis must not report "up".
                throw new IllegalStateException("cannot listen on " + config.server().host() + ":" + config.server().port()
                        + " (address in use or not available)");
            }
            identity.issuer(baseUrl(config, web));
            // Issued only once the listener is up: a start that fails earlier must not burn the one-time credential.
            Optional<String> credential = bootstrap.issueIfFirstStart();
            self[0] = new AegisServer(config, store, events, audit, sinks, rotation, web, credential, identity);
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

    /** The port the listener is bound to (useful with port 0). */
    public int port() {
        return web.port();
    }

    /** The base URL of the listener. */
    public String baseUrl() {
        return baseUrl(config, web);
    }

    /** The bootstrap admin credential in clear text, present only on the first start of an installation. */
    public Optional<String> bootstrapCredential() {
        return bootstrapCredential;
    }

    /** The platform event stream of this node (revocations and changes). */
    public EventBus events() {
        return events;
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
            rotation.close();
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

    private static WebServer webServer(AegisConfig config, Consumer<HttpRouting.Builder> routes)
            throws IOException, GeneralSecurityException {
        AegisConfig.Server server = config.server();
        var builder = WebServer.builder()
                .host(server.host())
                .port(server.port())
                .shutdownHook(false) // Main stops Aegis in order; Helidon must not stop the listener by itself
                .shutdownGracePeriod(server.shutdownGrace())
                .maxPayloadSize(server.maxBodyBytes())
                .routing(routes);
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
