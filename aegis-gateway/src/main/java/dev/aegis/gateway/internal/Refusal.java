package dev.aegis.gateway.internal;

import dev.aegis.ratelimit.api.RateDecision;

/**
 * Why the gateway refused a request: the status and the client-facing title (RFC 9457 problem), the reason
 * for the audit trail and metrics (never shown to the client), and what a challenge or limit adds.
 *
 * @param status    HTTP status
 * @param code      short machine code for metrics and audit ({@code ip_denied}, {@code invalid_token}, …)
 * @param title     client-facing text; never says which check of a credential failed
 * @param reason    detail for audit and logs; never a secret
 * @param challenge {@code WWW-Authenticate} value or {@code null}
 * @param rate      the limit that refused, or {@code null}
 */
record Refusal(int status, String code, String title, String reason, String challenge, RateDecision rate) {

    static Refusal of(int status, String code, String title, String reason) {
        return new Refusal(status, code, title, reason, null, null);
    }
}
