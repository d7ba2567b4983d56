package dev.aegis.identity.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the identity provider's security events (issuance, refresh, exchange, revocation, failed login,
 * lockout, admin changes) in the platform audit log. Fail-closed: when the trail cannot take an event the
 * caller gets {@code false} and must not complete the operation (no token without an audit record).
 *
 * <p>Thread-safe.
 */
public final class IdentityAudit {

    static final String SERVICE = "aegis-identity";
    private static final Logger LOG = LoggerFactory.getLogger(IdentityAudit.class);

    private final AuditLog log;

    public IdentityAudit(AuditLog log) {
        this.log = log;
    }

    /** @return a builder with the service set */
    public static AuditEvent.Builder event(String action, AuditDecision decision) {
        return AuditEvent.builder(action).decision(decision).service(SERVICE);
    }

    /**
     * @param event the event (no secret values)
     * @return whether it is durable (fail-closed) or queued (fail-open)
     */
    public boolean record(AuditEvent.Builder event) {
        try {
            log.record(event.build());
            return true;
        } catch (AuditUnavailableException e) {
            LOG.atError().setMessage("identity event could not be audited").addKeyValue("error", e.getMessage()).log();
            return false;
        }
    }

    /** @return the keyed fingerprint of a secret, for audit details */
    public String fingerprint(String secret) {
        return log.fingerprint(secret);
    }
}
