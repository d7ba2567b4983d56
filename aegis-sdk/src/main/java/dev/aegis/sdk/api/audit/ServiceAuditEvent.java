package dev.aegis.sdk.api.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A security decision a service made, for the platform's audit trail. Carry identifiers only (user, client,
 * resource, request id): never a token, password or secret value.
 *
 * <p>Immutable.
 *
 * @param action        dotted verb, e.g. {@code orders.create}
 * @param decision      {@code ALLOW}, {@code DENY}, {@code ERROR} or {@code INFO}
 * @param actor         who asked (the token's {@code sub} or client id); may be {@code null}
 * @param resource      what was asked for; may be {@code null}
 * @param reason        why it was decided so; may be {@code null}
 * @param requestId     the request id to correlate hops; may be {@code null}
 * @param time          when
 * @param details       further identifiers; copied
 */
public record ServiceAuditEvent(String action, String decision, String actor, String resource, String reason,
                                String requestId, Instant time, Map<String, String> details) {

    public ServiceAuditEvent {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(decision, "decision");
        if (!(decision.equals("ALLOW") || decision.equals("DENY") || decision.equals("ERROR") || decision.equals("INFO"))) {
            throw new IllegalArgumentException("decision must be ALLOW, DENY, ERROR or INFO");
        }
        Objects.requireNonNull(time, "time");
        details = Map.copyOf(details);
    }

    /** An allowed request. */
    public static ServiceAuditEvent allow(String action, String actor, String resource, String requestId) {
        return new ServiceAuditEvent(action, "ALLOW", actor, resource, null, requestId, Instant.now(), Map.of());
    }

    /** A denied request, with why. */
    public static ServiceAuditEvent deny(String action, String actor, String resource, String reason, String requestId) {
        return new ServiceAuditEvent(action, "DENY", actor, resource, reason, requestId, Instant.now(), Map.of());
    }
}
