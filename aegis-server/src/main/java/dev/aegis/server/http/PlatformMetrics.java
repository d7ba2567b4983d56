package dev.aegis.server.http;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.core.api.crypto.CryptoProviders;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Prometheus registry of one Aegis process: JVM and process metrics, which crypto provider is in use,
 * and the audit log's counters (a fail-open audit failure is counted here, never silently dropped).
 * Thread-safe.
 */
public final class PlatformMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public PlatformMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("aegis.crypto.provider.info", () -> 1)
                .description("The JCA provider that signs and verifies (1 = in use)")
                .tag("provider", CryptoProviders.active())
                .tag("accelerated", Boolean.toString(CryptoProviders.accelerated()))
                .register(registry);
    }

    /** Exposes the audit log's counters as {@code aegis_audit_*} metrics. */
    public void bindAudit(AuditLog audit) {
        FunctionCounter.builder("aegis.audit.recorded", audit, a -> a.stats().recorded())
                .description("Audit events made durable").register(registry);
        FunctionCounter.builder("aegis.audit.failed.closed", audit, a -> a.stats().failedClosed())
                .description("Audited operations refused because the audit trail could not write").register(registry);
        FunctionCounter.builder("aegis.audit.failed.open", audit, a -> a.stats().failedOpen())
                .description("Audit events lost in fail-open mode").register(registry);
        FunctionCounter.builder("aegis.audit.sink.failures", audit, a -> a.stats().sinkFailures())
                .description("Failed writes to an audit sink").register(registry);
        FunctionCounter.builder("aegis.audit.checkpoints", audit, a -> a.stats().checkpoints())
                .description("Signed audit checkpoints").register(registry);
        FunctionCounter.builder("aegis.audit.checkpoint.failures", audit, a -> a.stats().checkpointFailures())
                .description("Audit checkpoints that could not be signed or stored").register(registry);
        Gauge.builder("aegis.audit.queue.depth", audit, a -> a.stats().queueDepth())
                .description("Audit events waiting for the writer").register(registry);
    }

    /** @return the registry, for components that register their own meters (the gateway) */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every metric. */
    String scrape() {
        return registry.scrape();
    }
}
