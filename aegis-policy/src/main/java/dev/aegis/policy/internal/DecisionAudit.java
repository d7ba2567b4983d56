package dev.aegis.policy.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audits check decisions: every denial, and every n-th allow where n = 1 / sample rate (deterministic, so the
 * rate is exact and testable). A denial carries its explanation (the first {@link Trace#AUDIT_NODES} steps of
 * the failed branches, one line), so the audit trail says why access was refused. A sampled allow whose record
 * cannot be made durable in fail-closed mode is not released ({@link OpenFgaApi.AuditFailure}). A denial stays a
 * denial whatever the audit trail does, so the caller does not wait for its record to be durable: it goes to
 * the audit log's bounded queue ({@link AuditLog#enqueue}), which makes the caller wait only when the queue is
 * full; a denial that cannot be queued even then is logged, never dropped silently. Thread-safe.
 */
public final class DecisionAudit {
    /** Audit detail values are limited to 1024 characters (AuditEvent); the explanation is cut to fit. */
    static final int MAX_EXPLAIN_CHARS = 1000;
    private final AuditLog audit;
    private final long allowEvery;
    private final AtomicLong allows = new AtomicLong();

    /** @param audit the audit log, or {@code null} to audit nothing (benchmarks, embedded use) */
    public DecisionAudit(AuditLog audit, double allowSampleRate) {
        this.audit = audit;
        this.allowEvery = allowSampleRate <= 0 ? 0 : Math.max(1, Math.round(1 / allowSampleRate));
    }

    boolean wants(boolean allowed) {
        if (audit == null) {
            return false;
        }
        return !allowed || allowEvery > 0 && allows.incrementAndGet() % allowEvery == 0;
    }

    /** What a check must explain for its audit record: its denials, when decisions are audited at all. */
    Engine.Explain explains() {
        return audit == null ? Engine.Explain.NONE : Engine.Explain.DENIALS;
    }

    void record(String actor, String source, String storeId, String modelId, Tuple key, boolean allowed, long token,
                Trace trace) {
        AuditEvent.Builder b = AuditEvent.builder("authz.check")
                .actor(actor)
                .subject(key.user())
                .resource(key.object() + "#" + key.relation())
                .decision(allowed ? AuditDecision.ALLOW : AuditDecision.DENY)
                .reason(allowed ? "granted" : "no relation path grants")
                .sourceAddress(source)
                .service("aegis-policy")
                .detail("store_id", storeId)
                .detail("authorization_model_id", modelId)
                .detail("consistency_token", Consistency.token(token));
        if (trace != null) {
            b.detail("explain", trace.toLine(MAX_EXPLAIN_CHARS));
        }
        AuditEvent event = b.build();
        try {
            if (allowed) {
                audit.record(event);
            } else {
                audit.enqueue(event);
            }
        } catch (AuditUnavailableException e) {
            if (allowed) {
                throw new OpenFgaApi.AuditFailure(e);
            }
            OpenFgaApi.log().atWarn().addKeyValue("store", storeId).addKeyValue("error", e.getMessage())
                    .log("denial could not be audited");
        }
    }
}
