package dev.aegis.gateway.api;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.gateway.internal.GatewayRuntime;
import dev.aegis.gateway.internal.RouteFileException;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Aegis API gateway: its own listener (separate from the control plane), routes from a YAML file that is
 * hot-reloaded without dropping connections, and per request: path normalisation, route match, request
 * hardening, authentication (JWT of several OIDC issuers, DPoP- and certificate-bound tokens, API keys,
 * client certificates), scopes/roles and an {@link AuthorizationHook}, rate limits (local or cluster-exact
 * through Redis), then the upstream pool over HTTP or mTLS. Every allow and deny is audited and counted.
 * See docs/GATEWAY.md.
 *
 * <p>Thread-safe. {@link #close()} stops the listener (draining in-flight requests), then the runtime.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayRuntime runtime;
    private final WebServer server;
    private final Thread watcher;
    private final Thread keyRefresher;
    private volatile boolean closed;

    private Gateway(GatewayRuntime runtime, WebServer server, GatewayOptions options, ApiKeyRegistry keys) {
        this.runtime = runtime;
        this.server = server;
        this.watcher = options.reloadInterval().isZero() ? null
                : Thread.ofVirtual().name("gw-routes-watcher").start(() -> watch(options.reloadInterval()));
        this.keyRefresher = Thread.ofVirtual().name("gw-apikey-refresh").start(() -> refreshKeys(keys, options.apiKeyRefresh()));
    }

    /**
     * Loads the routes and starts listening.
     *
     * @param options  listener and reload options
     * @param audit    where decisions are audited
     * @param apiKeys  the API key registry (its snapshot is refreshed periodically)
     * @param registry where metrics are registered (the control plane's Prometheus registry, or its own)
     * @param hook     the authorization hook, or {@code null} if none is installed (routes that require it refuse)
     * @param clock    time source
     * @return the running gateway
     * @throws IllegalArgumentException if the routes file is refused (message names file, line and key)
     * @throws IllegalStateException    if the port cannot be bound
     */
    public static Gateway start(GatewayOptions options, AuditLog audit, ApiKeyRegistry apiKeys, MeterRegistry registry,
                                AuthorizationHook hook, Clock clock) {
        Objects.requireNonNull(options, "options");
        GatewayRuntime runtime;
        try {
            apiKeys.refresh();
            runtime = new GatewayRuntime(options, audit, apiKeys, registry, hook, clock);
        } catch (RouteFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        var builder = WebServer.builder()
                .host(options.host())
                .port(options.port())
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .backlog(8192)
                .maxTcpConnections(options.maxConnections())
                .maxPayloadSize(64L * 1024 * 1024)
                .connectionOptions(SocketOptions.builder().readTimeout(options.clientReadTimeout())
                        .tcpNoDelay(true).build())
                // Slow clients (slowloris): a connection that sends nothing for the timeout is closed.
                .idleConnectionTimeout(options.clientReadTimeout())
                .idleConnectionPeriod(periodFor(options.clientReadTimeout()))
                // ... and one that trickles bytes is cut at its header or body deadline.
                .addProtocol(runtime.deadlines().http1())
                .routing(r -> r.any(runtime.handler()));
        if (options.tls() != null) {
            builder.tls(Tls.builder().sslContext(options.tls()).clientAuth(switch (options.clientAuth()) {
                case "optional" -> TlsClientAuth.OPTIONAL;
                case "required" -> TlsClientAuth.REQUIRED;
                default -> TlsClientAuth.NONE;
            }).build());
        }
        WebServer server = builder.build().start();
        if (!server.isRunning() || server.port() <= 0) {
            runtime.close();
            throw new IllegalStateException("gateway cannot listen on " + options.host() + ":" + options.port());
        }
        runtime.followRemoteEvents(System.getenv("AEGIS_EVENTS_TOKEN"));
        LOG.atInfo().setMessage("gateway started").addKeyValue("port", server.port())
                .addKeyValue("tls", options.tls() != null).addKeyValue("routes", runtime.config().routes().size()).log();
        return new Gateway(runtime, server, options, apiKeys);
    }

    private static Duration periodFor(Duration timeout) {
        Duration half = timeout.dividedBy(2);
        return half.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : half;
    }

    /** @return the bound port */
    public int port() {
        return server.port();
    }

    /** Re-reads the routes file now. @return applied, unchanged or refused (the old routes keep serving) */
    public ReloadResult reload() {
        return runtime.reload();
    }

    /**
     * Applies a platform event ({@code token.revoked}, {@code apikey.revoked}); the server subscribes the
     * gateway to its event bus, an edge gateway follows the control plane's event stream.
     */
    public void onEvent(String topic, String subject, Map<String, String> attributes) {
        runtime.onEvent(topic, subject, attributes);
    }

    private void watch(Duration interval) {
        while (!closed) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                runtime.reload();
            }
        }
    }

    private void refreshKeys(ApiKeyRegistry keys, Duration interval) {
        while (!closed) {
            try {
                Thread.sleep(interval);
                keys.refresh();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.atWarn().setMessage("API key snapshot refresh failed; keeping the previous one")
                        .addKeyValue("error", e.getMessage()).log();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
        keyRefresher.interrupt();
        server.stop();
        runtime.close();
    }
}
