package dev.aegis.pki.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;

/** Audit records of the CA: {@code pki.*} actions, service {@code aegis-pki}; never a secret, only fingerprints. */
public final class Audit {

    private final AuditLog log;

    /** @param log the platform audit log */
    public Audit(AuditLog log) {
        this.log = log;
    }

    /**
     * @param action   e.g. {@code pki.svid.issue}
     * @param actor    who (administrator, SPIFFE ID or {@code aegis})
     * @param resource what (SPIFFE ID, serial, generation)
     * @param decision the outcome
     * @param reason   why, a fixed sentence
     * @param details  key/value pairs, alternating
     * @throws AuditUnavailableException when the record is not durable (fail-closed: the caller must not proceed)
     */
    public void record(String action, String actor, String resource, AuditDecision decision, String reason, String... details)
            throws AuditUnavailableException {
        AuditEvent.Builder b = AuditEvent.builder(action).actor(clip(actor, 256)).resource(clip(resource, 1024))
                .subject(clip(resource, 256)).decision(decision).reason(clip(reason, 1024)).service("aegis-pki");
        for (int i = 0; i + 1 < details.length; i += 2) {
            if (details[i + 1] != null) {
                b.detail(details[i], clip(details[i + 1], 1024));
            }
        }
        log.record(b.build());
    }

    /** @return the keyed fingerprint of a secret (join tokens) */
    public String fingerprint(String secret) {
        return log.fingerprint(secret);
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
