package dev.aegis.policy.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audits check decisions: every denial, and every n-th allow where n = 1 / sample rate (deterministic, so the
 * rate is exact and testable). A denial carries its explanation (the failed branches), so the audit trail says
 * why access was refused. A sampled allow whose record cannot be made durable in fail-closed mode is not
 * released ({@link OpenFgaApi.AuditFailure}). A denial stays a denial whatever the audit trail does, so the
 * caller does not wait for its record: it is written by a virtual thread (at most {@link #MAX_PENDING_DENIALS}
 * at a time; beyond that the caller writes it itself, which is the backpressure). Thread-safe.
 */
public final class DecisionAudit {
    /** Audit detail values are limited to 1024 characters (AuditEvent); the explanation is cut to fit. */
    static final int MAX_EXPLAIN_CHARS = 1000;
    static final int MAX_PENDING_DENIALS = 10_000;
    private final java.util.concurrent.Semaphore pendingDenials = new java.util.concurrent.Semaphore(MAX_PENDING_DENIALS);
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

    void record(String actor, String source, String storeId, String modelId, Tuple key, boolean allowed, long token,
                Trace trace) {
        // one line: audit details may not contain control characters
        String explain = trace == null ? null : trace.toText().strip().replace("\n", " | ");
        if (explain != null && explain.length() > MAX_EXPLAIN_CHARS) {
            explain = explain.substring(0, MAX_EXPLAIN_CHARS) + "...";
        }
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
        if (explain != null) {
            b.detail("explain", explain);
        }
        AuditEvent event = b.build();
        if (allowed) {
            try {
                audit.record(event);
            } catch (AuditUnavailableException e) {
                throw new OpenFgaApi.AuditFailure(e);
            }
        } else if (pendingDenials.tryAcquire()) {
            Thread.ofVirtual().name("authz-denial-audit").start(() -> {
                try {
                    recordDenial(event, storeId);
                } finally {
                    pendingDenials.release();
                }
            });
        } else {
            recordDenial(event, storeId);
        }
    }

    private void recordDenial(AuditEvent event, String storeId) {
        try {
            audit.record(event);
        } catch (AuditUnavailableException e) {
            OpenFgaApi.log().atWarn().addKeyValue("store", storeId).log("denial could not be audited");
        }
    }
}
