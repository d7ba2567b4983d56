package dev.aegis.sdk.api.guard;

import dev.aegis.sdk.api.audit.AuditClient;
import dev.aegis.sdk.api.audit.ServiceAuditEvent;
import dev.aegis.sdk.api.token.AccessToken;
import dev.aegis.sdk.api.token.AccessTokenCheck;
import dev.aegis.sdk.api.token.AccessTokenVerifier;
import dev.aegis.sdk.api.token.DpopProofVerifier;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one call a service makes per request: authenticate the caller's access token (bearer or DPoP-bound,
 * RFC 6750 / RFC 9449), require scopes and roles, and audit the decision — at every hop, not only at the edge.
 *
 * <pre>{@code
 * GuardDecision d = guard.check(request.header("Authorization"), request.header("DPoP"),
 *         "POST", requestUri, Set.of("orders:write"), Set.of(), "orders.create", "/orders");
 * switch (d) {
 *     case GuardDecision.Allow allow -> handle(allow.token());
 *     case GuardDecision.Deny deny -> respond(deny.status(), deny.wwwAuthenticate());
 * }
 * }</pre>
 *
 * <p>Denials are always audited; allows too unless turned off. Counters feed {@link #prometheusText()}.
 * Thread-safe.
 */
public final class ServiceGuard {
    private static final String BEARER = "Bearer ";
    private static final String DPOP = "DPoP ";

    private final String service;
    private final AccessTokenVerifier tokens;
    private final DpopProofVerifier dpop;
    private final AuditClient audit;
    private final boolean auditAllows;
    private final LongAdder allowed = new LongAdder();
    private final LongAdder deniedUnauthenticated = new LongAdder();
    private final LongAdder deniedForbidden = new LongAdder();

    /**
     * @param service     this service's name, in metrics
     * @param tokens      verifies access tokens for this service's audience
     * @param dpop        checks DPoP proofs of DPoP-bound tokens
     * @param audit       where decisions go; {@code null} for none (tests)
     * @param auditAllows whether allowed requests are audited too (denials always are)
     */
    public ServiceGuard(String service, AccessTokenVerifier tokens, DpopProofVerifier dpop, AuditClient audit,
                        boolean auditAllows) {
        this.service = Objects.requireNonNull(service, "service");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.dpop = Objects.requireNonNull(dpop, "dpop");
        this.audit = audit;
        this.auditAllows = auditAllows;
    }

    /**
     * @param authorization  the {@code Authorization} header, or {@code null}
     * @param dpopProof      the {@code DPoP} header, or {@code null}
     * @param method         the request method
     * @param uri            the request URI as the client addressed it
     * @param requiredScopes scopes the token must carry (all of them)
     * @param requiredRoles  roles the user must have (all of them)
     * @param action         the audited action, e.g. {@code orders.create}
     * @param resource       the audited resource, e.g. {@code /orders}
     */
    public GuardDecision check(String authorization, String dpopProof, String method, URI uri,
                               Set<String> requiredScopes, Set<String> requiredRoles, String action, String resource) {
        GuardDecision decision = decide(authorization, dpopProof, method, uri, requiredScopes, requiredRoles);
        switch (decision) {
            case GuardDecision.Allow allow -> {
                allowed.increment();
                if (auditAllows && audit != null) {
                    audit.record(new ServiceAuditEvent(action, "ALLOW", actor(allow.token()), resource, null, null,
                            Instant.now(), Map.of("jti", allow.token().jwtId())));
                }
            }
            case GuardDecision.Deny deny -> {
                (deny.status() == 403 ? deniedForbidden : deniedUnauthenticated).increment();
                if (audit != null) {
                    audit.record(new ServiceAuditEvent(action, "DENY", null, resource, deny.reason(), null,
                            Instant.now(), Map.of()));
                }
            }
        }
        return decision;
    }

    /**
     * Records a denial decided before any token was looked at (for example a caller whose SPIFFE ID is not
     * allowed): counted as forbidden and audited like the guard's own denials.
     */
    public void recordDenial(String action, String resource, String reason) {
        deniedForbidden.increment();
        if (audit != null) {
            audit.record(new ServiceAuditEvent(action, "DENY", null, resource, reason, null, Instant.now(), Map.of()));
        }
    }

    private GuardDecision decide(String authorization, String dpopProof, String method, URI uri,
                                 Set<String> requiredScopes, Set<String> requiredRoles) {
        if (authorization == null) {
            return new GuardDecision.Deny(401, "Bearer realm=\"" + service + "\"", "no credential");
        }
        boolean dpopScheme = authorization.regionMatches(true, 0, DPOP, 0, DPOP.length());
        if (!dpopScheme && !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return new GuardDecision.Deny(401, "Bearer realm=\"" + service + "\", error=\"invalid_request\"",
                    "unsupported authorization scheme");
        }
        String raw = authorization.substring(dpopScheme ? DPOP.length() : BEARER.length()).strip();
        AccessTokenCheck check = dpopScheme ? tokens.verifyAnyBinding(raw) : tokens.verify(raw);
        AccessToken token;
        switch (check) {
            case AccessTokenCheck.Refused refused -> {
                return new GuardDecision.Deny(401, (dpopScheme ? "DPoP" : "Bearer") + " realm=\"" + service
                        + "\", error=\"invalid_token\"", "token refused: " + refused.error());
            }
            case AccessTokenCheck.Accepted accepted -> token = accepted.token();
        }
        if (dpopScheme) {
            if (token.dpopThumbprint().isEmpty()) {
                return new GuardDecision.Deny(401, "DPoP realm=\"" + service + "\", error=\"invalid_token\"",
                        "DPoP scheme with a token that is not DPoP-bound");
            }
            DpopProofVerifier.Result proof = dpop.verify(dpopProof, method, uri, raw, token);
            if (!proof.valid()) {
                return new GuardDecision.Deny(401, "DPoP realm=\"" + service + "\", error=\"invalid_dpop_proof\"",
                        "DPoP proof refused: " + proof.problem());
            }
        }
        if (!token.hasScopes(requiredScopes) || !token.hasRoles(requiredRoles)) {
            return new GuardDecision.Deny(403, (dpopScheme ? "DPoP" : "Bearer") + " realm=\"" + service
                    + "\", error=\"insufficient_scope\", scope=\"" + String.join(" ", requiredScopes) + "\"",
                    "missing scope or role; has scopes " + token.scopes());
        }
        return new GuardDecision.Allow(token);
    }

    private static String actor(AccessToken token) {
        return token.subject().isEmpty() ? token.clientId() : token.subject();
    }

    /** @return the guard's counters in the Prometheus text exposition format */
    public String prometheusText() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP aegis_sdk_requests_total Requests decided by the Aegis SDK guard.\n");
        out.append("# TYPE aegis_sdk_requests_total counter\n");
        for (Object[] row : List.of(new Object[] {"allow", allowed}, new Object[] {"unauthenticated", deniedUnauthenticated},
                new Object[] {"forbidden", deniedForbidden})) {
            out.append("aegis_sdk_requests_total{service=\"").append(service).append("\",decision=\"").append(row[0])
                    .append("\"} ").append(((LongAdder) row[1]).sum()).append('\n');
        }
        if (audit != null) {
            out.append("# HELP aegis_sdk_audit_events_total Audit events by outcome.\n");
            out.append("# TYPE aegis_sdk_audit_events_total counter\n");
            out.append("aegis_sdk_audit_events_total{service=\"").append(service).append("\",outcome=\"sent\"} ")
                    .append(audit.sent()).append('\n');
            out.append("aegis_sdk_audit_events_total{service=\"").append(service).append("\",outcome=\"dropped\"} ")
                    .append(audit.dropped()).append('\n');
            out.append("aegis_sdk_audit_events_total{service=\"").append(service).append("\",outcome=\"rejected\"} ")
                    .append(audit.rejected()).append('\n');
        }
        out.append("# HELP aegis_sdk_cached_tokens Verified tokens held in the cache.\n");
        out.append("# TYPE aegis_sdk_cached_tokens gauge\n");
        out.append("aegis_sdk_cached_tokens{service=\"").append(service).append("\"} ").append(tokens.cachedTokens()).append('\n');
        return out.toString();
    }
}
