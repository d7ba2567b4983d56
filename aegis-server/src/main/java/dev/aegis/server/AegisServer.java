package dev.aegis.server;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditFailureMode;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.audit.api.JsonLinesAuditSink;
import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.server.runtime.PkiRuntime;
import dev.aegis.store.api.EventBus;
import dev.aegis.policy.api.AuthzService;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Aegis process on the embedded default or a cluster database: store, key material, audit log,
 * key rotation and the HTTP listener, started in dependency order ({@link ServerWiring}) and stopped in reverse.
 *
 * <p>{@link #close()} is the graceful shutdown: readiness goes down, the listener drains in-flight requests
 * for the configured grace period, the stop is audited, the audit queue is drained, the store is closed.
 * Thread-safe; close is idempotent.
 */
public final class AegisServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AegisServer.class);

    /** Helidon named socket of the workload CA's mTLS listener. */
    static final String PKI_MTLS_SOCKET = "pki-mtls";

    private final AegisConfig config;
    private final Platform platform;
    private final Services services;
    private final WebServer web;
    private final Optional<String> bootstrapCredential;
    private final AtomicBoolean accepting;
    private final ReentrantLock closeLock = new ReentrantLock();
    private boolean closed;

    AegisServer(AegisConfig config, Platform platform, Services services, WebServer web,
                Optional<String> bootstrapCredential, AtomicBoolean accepting) {
        this.config = config;
        this.platform = platform;
        this.services = services;
        this.web = web;
        this.bootstrapCredential = bootstrapCredential;
        this.accepting = accepting;
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
        ServerWiring wiring = new ServerWiring(config, clock);
        try {
            AegisServer server = wiring.start();
            server.auditLifecycle("server.start");
            LOG.atInfo().setMessage("aegis started").addKeyValue("port", server.web.port())
                    .addKeyValue("tls", server.web.hasTls()).addKeyValue("storage", server.platform.store().dialect())
                    .addKeyValue("cryptoProvider", CryptoProviders.active()).log();
            return server;
        } catch (RuntimeException | IOException | GeneralSecurityException e) {
            wiring.stopStarted();
            throw new StartupException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    static String baseUrl(AegisConfig config, WebServer web) {
        return (web.hasTls() ? "https://" : "http://") + urlHost(config) + ":" + web.port();
    }

    /** The listener's host as a URL names it: an IPv6 address in brackets (RFC 3986 §3.2.2). */
    private static String urlHost(AegisConfig config) {
        String host = config.server().host();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The authorization engine (for in-process callers: benchmarks, imports, the gateway's hook). */
    public AuthzService authz() {
        return services.authz();
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
        return services.gateway().gateway().map(g -> g.port());
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
        return "https://" + urlHost(config) + ":" + mtlsPort();
    }

    /** The workload CA of this node. */
    public PkiRuntime pki() {
        return services.pki();
    }

    /** The platform event stream of this node (revocations and changes). */
    public EventBus events() {
        return platform.events();
    }

    /** The initial root token of the secrets manager, present only on its first start with the file seal. */
    public Optional<String> secretsRootToken() {
        return services.secrets().initialRootToken();
    }

    /** Whether the secrets barrier is sealed (Shamir seal before {@code aegis operator unseal}). */
    public boolean secretsSealed() {
        return services.secrets().sealed();
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
            accepting.set(false);
            LOG.atInfo().setMessage("aegis stopping").log();
            drainDelay();
            web.stop(); // waits up to server.shutdown-grace for in-flight requests
            closeQuietly(services.gateway());
            platform.rotation().close();
            closeQuietly(services.pki());
            closeQuietly(services.secrets());
            closeQuietly(services.authz());
            closeQuietly(services.identity());
            auditLifecycle("server.stop");
            closeQuietly(platform.audit());
            for (JsonLinesAuditSink sink : platform.sinks()) {
                closeQuietly(sink);
            }
            closeQuietly(platform.events());
            closeQuietly(platform.store());
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
            platform.audit().record(AuditEvent.builder(action).actor("aegis").decision(AuditDecision.INFO)
                    .service("aegis-server").detail("version", Version.current()).build());
        } catch (AuditUnavailableException e) {
            LOG.atError().setMessage("lifecycle event could not be audited").addKeyValue("action", action).log();
        }
    }

    /** The audit settings a server with this configuration runs with (also what `audit verify` expects). */
    public static AuditSettings auditSettings(AegisConfig config) {
        return AuditSettings.defaults()
                .withFailureMode(config.audit().failClosed() ? AuditFailureMode.FAIL_CLOSED : AuditFailureMode.FAIL_OPEN)
                .withRecordTimeout(config.audit().recordTimeout());
    }

    static void closeQuietly(AutoCloseable closeable) {
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
