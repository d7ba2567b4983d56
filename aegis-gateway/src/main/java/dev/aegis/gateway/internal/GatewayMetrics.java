package dev.aegis.gateway.internal;

import dev.aegis.ratelimit.api.RedisCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics of the gateway: {@code aegis_gateway_requests_total{route,decision,code}} for every
 * allow and deny, {@code aegis_gateway_upstream_seconds{route}}, the audit queue, Redis outages. Meters are
 * looked up once per (route, decision, code) and cached. Thread-safe.
 */
final class GatewayMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void bindAuditor(DecisionAuditor auditor) {
        Gauge.builder("aegis.gateway.audit.queue.depth", auditor, DecisionAuditor::depth)
                .description("Gateway decisions waiting to be audited").register(registry);
        FunctionCounter.builder("aegis.gateway.audit.backpressure.refusals", auditor, DecisionAuditor::refusedForBackpressure)
                .description("Requests refused because the audit queue stayed full").register(registry);
        FunctionCounter.builder("aegis.gateway.audit.failures", auditor, DecisionAuditor::failedWrites)
                .description("Gateway decisions the audit log refused").register(registry);
        FunctionCounter.builder("aegis.gateway.audit.batches", auditor, DecisionAuditor::batches)
                .description("Batches of gateway decisions handed to the audit log").register(registry);
    }

    void bindDeadlines(ClientDeadlines deadlines) {
        FunctionCounter.builder("aegis.gateway.slow.clients.cut", deadlines, ClientDeadlines::cutConnections)
                .description("Connections closed because a request's header section missed its deadline").register(registry);
    }

    void bindRedis(RedisCounters redis) {
        FunctionCounter.builder("aegis.ratelimit.store.unavailable", redis, RedisCounters::unavailableEvents)
                .description("Rate-limit checks that could not reach Redis and applied the configured policy")
                .register(registry);
    }

    void decision(String route, boolean allowed, String code) {
        String key = route + '|' + allowed + '|' + code;
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder("aegis.gateway.requests")
                    .description("Gateway decisions by route, decision and reason code")
                    .tag("route", route).tag("decision", allowed ? "allow" : "deny").tag("code", code)
                    .register(registry));
        }
        c.increment();
    }

    void upstream(String route, long nanos) {
        Timer t = timers.get(route);
        if (t == null) {
            t = timers.computeIfAbsent(route, r -> Timer.builder("aegis.gateway.upstream")
                    .description("Time to the upstream's response headers").tag("route", r).register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }
}
