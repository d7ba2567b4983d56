package dev.aegis.gateway.internal;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets of one route: round robin over those that are healthy and whose circuit is closed, a health
 * check per target (a virtual thread polling {@code health-check.path}), and a circuit breaker per target
 * (opens after {@code failure-threshold} consecutive failures, lets one trial request through after
 * {@code open-for}, closes on its success). Each target has its own pooled HTTP/1.1 keep-alive client
 * (Helidon WebClient; the JDK HttpClient was measured as the alternative and cost more CPU per request, see
 * docs/BENCHMARKS.md). Thread-safe; {@link #next()} takes no lock.
 */
final class UpstreamPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);

    /** One upstream server. */
    static final class Target {
        final URI uri;
        final String base;
        final Http1Client client;
        private final int threshold;
        private final long openForNanos;
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicBoolean trial = new AtomicBoolean();
        private volatile long openUntil;
        private volatile boolean open;
        volatile boolean healthy = true;

        Target(URI uri, Http1Client client, int threshold, long openForNanos) {
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
    private final AtomicInteger cursor = new AtomicInteger();
    private final GatewayConfig.Upstream config;
    private final Thread health;
    private volatile boolean closed;

    UpstreamPool(String routeId, GatewayConfig.Upstream config, SSLContext tls) {
        this.config = config;
        List<Target> list = new ArrayList<>();
        for (URI u : config.targets()) {
            var b = Http1Client.builder()
                    .baseUri(u)
                    .connectTimeout(config.connectTimeout())
                    .readTimeout(config.timeout())
                    .followRedirects(false)
                    .shareConnectionCache(false)
                    .sendExpectContinue(false)
                    .maxInMemoryEntity(0)
                    .connectionCacheSize(1024)
                    // Headers and body go out in separate writes: without TCP_NODELAY, Nagle + delayed ACK add ms.
                    .socketOptions(SocketOptions.builder().tcpNoDelay(true).connectTimeout(config.connectTimeout())
                            .readTimeout(config.timeout()).build());
            if (tls != null) {
                // Hostname verification is replaced by the explicit identity check of the trust manager.
                b.tls(Tls.builder().sslContext(tls).endpointIdentificationAlgorithm(
                        config.tls() != null && config.tls().expectedId() != null ? "NONE" : "HTTPS").build());
            }
            list.add(new Target(u, b.build(), config.breakerFailures(), config.breakerOpenFor().toNanos()));
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
                try (HttpClientResponse r = t.client.get(config.healthPath()).request()) {
                    ok = r.status().code() >= 200 && r.status().code() < 300;
                } catch (RuntimeException e) {
                    ok = false;
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
        for (Target t : targets) {
            try {
                t.client.closeResource();
            } catch (RuntimeException e) {
                LOG.atDebug().setMessage("client close failed").addKeyValue("target", t.base).log();
            }
        }
    }
}
