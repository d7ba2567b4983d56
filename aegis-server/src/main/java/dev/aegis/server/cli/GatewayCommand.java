package dev.aegis.server.cli;

import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.server.config.ConfigLoader;
import dev.aegis.server.runtime.GatewayComponent;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aegis gateway -c routes.yaml}: the API gateway alone, for edge nodes. It uses the installation's
 * database (embedded data dir or PostgreSQL) for API keys, the audit trail and the platform event stream
 * (revocations published by any node arrive through the durable event table), and serves Prometheus metrics
 * on its own small listener. Runs until SIGINT/SIGTERM.
 */
@Command(name = "gateway", description = "Run the API gateway alone (edge node): aegis gateway -c routes.yaml")
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = {"-c", "--routes"}, required = true, paramLabel = "FILE", description = "the gateway routes file (YAML)")
    Path routes;

    @Option(names = "--config", paramLabel = "FILE", description = "Aegis configuration (default: ./aegis.yaml if present)")
    Path config;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR", description = "data directory (default: ./data)")
    Path dataDir;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "gateway listen port (default 8080)")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "gateway listen address (default 127.0.0.1)")
    String host;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Prometheus /metrics and /healthz (default 9464)")
    int metricsPort = 9464;

    @Option(names = "--verbose", description = "print the cause of an error")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("gateway.routes-file", routes.toString());
        if (port != null) {
            overrides.put("gateway.port", port.toString());
        }
        if (host != null) {
            overrides.put("gateway.host", host);
        }
        if (dataDir != null) {
            overrides.put("data-dir", dataDir.toString());
        }
        Optional<Path> file = Optional.ofNullable(config);
        if (file.isEmpty() && Files.isRegularFile(ConfigOptions.DEFAULT_FILE)) {
            file = file.or(() -> Optional.of(ConfigOptions.DEFAULT_FILE));
        }
        AegisConfig cfg = ConfigLoader.load(file, System.getenv(), overrides);
        LogSetup.apply(cfg.logging());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PlatformSession session = new PlatformSession(cfg, 4);
        session.events.startPolling(Duration.ofMillis(200));
        GatewayComponent gateway;
        WorkloadIdentity svid = null;
        try {
            Optional<AegisConfig.GatewayWorkload> workload = cfg.gateway().orElseThrow().workload();
            if (workload.isPresent()) { // its own SVID for upstream mTLS, from the workload CA
                svid = GatewayComponent.joinWorkloadCa(workload.get(), cfg.pki().trustDomain());
            }
            WorkloadIdentity joined = svid;
            gateway = GatewayComponent.start(cfg.gateway(), session.store, session.audit, session.events, registry,
                    Clock.systemUTC(), joined == null ? null : () -> GatewayComponent.upstreamIdentity(joined));
        } catch (RuntimeException | java.io.IOException e) {
            if (svid != null) {
                svid.close();
            }
            session.close();
            throw e instanceof RuntimeException re ? re
                    : new IllegalStateException("gateway.workload: cannot join the workload CA (" + e.getMessage() + ")", e);
        }
        WorkloadIdentity identity = svid;
        WebServer metrics = WebServer.builder().host(cfg.gateway().orElseThrow().host()).port(metricsPort)
                .shutdownHook(false)
                .routing(r -> r.get("/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(registry.scrape());
                }).get("/healthz", (req, res) -> res.send("{\"status\":\"UP\"}"))).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        ShutdownSignals.onTerminate(() -> {
            metrics.stop();
            gateway.close();
            if (identity != null) {
                identity.close();
            }
            session.close();
            stopped.countDown();
        });
        spec.commandLine().getOut().println("Aegis gateway is up on http://" + cfg.gateway().orElseThrow().host() + ":"
                + gateway.gateway().orElseThrow().port() + " (routes " + routes + "), metrics on port " + metrics.port());
        spec.commandLine().getOut().flush();
        stopped.await();
        return ExitCode.OK;
    }
}
