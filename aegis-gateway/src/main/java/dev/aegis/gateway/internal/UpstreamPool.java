package dev.aegis.gateway.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets of one route: round robin over those that are healthy and whose circuit is closed, a health
 * check per target (a virtual thread polling {@code health-check.path}), and a circuit breaker per target
 * (opens after {@code failure-threshold} consecutive failures, lets one trial request through after
 * {@code open-for}, closes on its success). The pool's targets share one HTTP/1.1 keep-alive client, the JDK's
 * {@link HttpClient}: its idle connections wait in its selector, where Helidon WebClient 4.5 runs a virtual
 * thread per idle pooled connection that wakes every 101 ms (helidon-io/helidon#11799), which cost the gateway
 * more CPU per request than its whole pipeline (docs/BENCHMARKS.md). Thread-safe; {@link #next()} takes no lock.
 */
final class UpstreamPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);

    /** One upstream server. */
    static final class Target {
        final URI uri;
        final String base;
        final HttpClient client;
        private final int threshold;
        private final long openForNanos;
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicBoolean trial = new AtomicBoolean();
        private volatile long openUntil;
        private volatile boolean open;
        volatile boolean healthy = true;

        Target(URI uri, HttpClient client, int threshold, long openForNanos) {
            this.uri = uri;
            this.base = uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort()
                    : "https".equals(uri.getScheme()) ? 443 : 80);
            this.client = client;
            this.threshold = threshold;
            this.openForNanos = openForNanos;
        }

        /** @return whether a request may go to this target now (half-open admits one trial) */
        boolean available(long now) {
            if (!healthy) {
                return false;
            }
            if (!open) {
                return true;
            }
            return now - openUntil >= 0 && trial.compareAndSet(false, true);
        }

        void success() {
            failures.set(0);
            if (open) {
                open = false;
                trial.set(false);
                LOG.atInfo().setMessage("circuit closed").addKeyValue("target", base).log();
            }
        }

        void failure(long now) {
            if (open) { // the trial failed: stay open for another period
                openUntil = now + openForNanos;
                trial.set(false);
                return;
            }
            if (failures.incrementAndGet() >= threshold) {
                openUntil = now + openForNanos;
                open = true;
                trial.set(false);
                LOG.atWarn().setMessage("circuit opened").addKeyValue("target", base)
                        .addKeyValue("failures", failures.get()).log();
            }
        }

        boolean circuitOpen() {
            return open;
        }
    }

    private final Target[] targets;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private final AtomicInteger cursor = new AtomicInteger();
    private final GatewayConfig.Upstream config;
    private final Thread health;
    private volatile boolean closed;

    UpstreamPool(String routeId, GatewayConfig.Upstream config, SSLContext tls) {
        this.config = config;
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // never an h2c upgrade attempt towards the upstream
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
        if (tls != null) {
            // Chain, and either the expected identity or (without one) the host name: UpstreamTlsContext's trust manager.
            SSLParameters params = tls.getDefaultSSLParameters();
            params.setProtocols(new String[] {"TLSv1.3"});
            b.sslContext(tls).sslParameters(params);
        }
        this.client = b.build();
        List<Target> list = new ArrayList<>();
        for (URI u : config.targets()) {
            list.add(new Target(u, client, config.breakerFailures(), config.breakerOpenFor().toNanos()));
        }
        this.targets = list.toArray(new Target[0]);
        if (config.healthPath() != null) {
            this.health = Thread.ofVirtual().name("gw-health-" + routeId).start(this::checkHealth);
        } else {
            this.health = null;
        }
    }

    GatewayConfig.Upstream config() {
        return config;
    }

    /** @return the next available target, round robin, or {@code null} when none is */
    Target next() {
        long now = System.nanoTime();
        int n = targets.length;
        int start = cursor.getAndIncrement() & Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Target t = targets[(start + i) % n];
            if (t.available(now)) {
                return t;
            }
        }
        return null;
    }

    Target[] targets() {
        return targets;
    }

    private void checkHealth() {
        long interval = config.healthInterval().toMillis();
        while (!closed) {
            for (Target t : targets) {
                boolean ok;
                try {
                    HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(t.base + config.healthPath()))
                            .timeout(config.timeout()).GET().build(), HttpResponse.BodyHandlers.discarding());
                    ok = r.statusCode() >= 200 && r.statusCode() < 300;
                } catch (IOException | RuntimeException e) {
                    ok = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (ok != t.healthy) {
                    LOG.atInfo().setMessage(ok ? "upstream healthy" : "upstream unhealthy").addKeyValue("target", t.base).log();
                }
                t.healthy = ok;
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (health != null) {
            health.interrupt();
        }
        client.shutdownNow();
        executor.shutdownNow();
    }
}
