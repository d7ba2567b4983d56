package dev.aegis.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;
import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.gateway.api.AccessRequest;
import dev.aegis.gateway.api.AuthorizationHook;
import dev.aegis.ratelimit.api.LimitKey;
import dev.aegis.ratelimit.api.LimitScope;
import dev.aegis.ratelimit.api.RateDecision;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's request pipeline, on the connection's virtual thread: framing and size checks, path
 * normalisation, route match, source address, CORS, content type, authentication, scopes/roles, the
 * authorization hook, rate limits, body limit and schema, then the upstream. Every allow and deny is
 * counted and audited with its reason (off the hot path, {@link DecisionAuditor}). Reads the current
 * {@link GatewayState} once per request, so a reload never changes a request half-way.
 */
final class GatewayHandler implements Handler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HeaderName DPOP = HeaderNames.create("DPoP");
    private static final HeaderName X_API_KEY = HeaderNames.create("X-API-Key");
    private static final HeaderName RETRY_AFTER = HeaderNames.create("Retry-After");
    private static final HeaderName RL_LIMIT = HeaderNames.create("RateLimit-Limit");
    private static final HeaderName RL_REMAINING = HeaderNames.create("RateLimit-Remaining");
    private static final HeaderName RL_RESET = HeaderNames.create("RateLimit-Reset");

    private final GatewayRuntime runtime;
    private final ClientDeadlines deadlines;
    private final Clock clock;
    private final String node = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
    private final AtomicLong sequence = new AtomicLong();

    GatewayHandler(GatewayRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.deadlines = runtime.deadlines();
        this.clock = clock;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long headersDone = System.nanoTime(); // the body deadline counts from here
        GatewayState state = runtime.state();
        String requestId = node + '-' + Long.toString(sequence.incrementAndGet(), 36);
        String method = req.prologue().method().text();
        String rawPath = req.path().rawPath();
        String rawQuery = req.query().rawValue();
        byte[] peerBytes = RequestFacts.peer(req.remotePeer().address());
        String peer = RequestFacts.peerText(req.remotePeer().address());
        String host = RequestFacts.host(req);
        Exchange x = new Exchange(requestId, method, rawPath, peer, host);
        res.header(Forwarder.X_REQUEST_ID, requestId);
        SecurityHeaders.apply(res, req.isSecure());
        Set<String> connectionTokens = RequestFacts.connectionTokens(req);
        if (connectionTokens.contains("close")) {
            // RFC 9112 §9.6: the client will close after this response; say so, so the server closes too.
            res.header(HeaderNames.CONNECTION, "close");
        }

        Refusal r = RequestGuard.smuggling(req);
        if (r == null) {
            r = RequestGuard.uriSize(rawPath, rawQuery, 16 * 1024);
        }
        String path = r == null ? PathNormalizer.normalize(rawPath) : null;
        if (r == null && path == null) {
            r = Refusal.of(400, "bad_path", "The request path is not allowed.",
                    "path refused by normalisation (dot segments above root, encoded slash, backslash or bad escape)");
        }
        if (r != null) {
            res.header(HeaderNames.CONNECTION, "close");
            refuse(state, null, x, Identity.ANONYMOUS, r, res);
            return;
        }
        x.path = path;
        RouteTable.Match m = state.table().match(host, path, method);
        if (m.route() == null) {
            refuse(state, null, x, Identity.ANONYMOUS, m.methodNotAllowed()
                    ? Refusal.of(405, "method_not_allowed", "Method not allowed.", "no route for this method")
                    : Refusal.of(404, "no_route", "No such resource.", "no route matches"), res);
            return;
        }
        CompiledRoute route = m.route();
        boolean hasBody = req.headers().contains(HeaderNames.CONTENT_LENGTH)
                ? !"0".equals(req.headers().first(HeaderNames.CONTENT_LENGTH).orElse("0"))
                : req.headers().contains(HeaderNames.TRANSFER_ENCODING);
        Object guard = routeGuards(route, req, res, method, rawPath, rawQuery, peerBytes, hasBody);
        if (guard == PREFLIGHT_ANSWERED) {
            allow(state, route, x, Identity.ANONYMOUS, 204, "cors_preflight");
            return;
        }
        if (guard instanceof Refusal gr) {
            refuse(state, route, x, Identity.ANONYMOUS, gr, res);
            return;
        }
        long now = clock.millis();
        Object auth = state.authenticator().authenticate(route, presented(req, method, path, host), now);
        if (auth instanceof Refusal ar) {
            refuse(state, route, x, Identity.ANONYMOUS, ar, res);
            return;
        }
        Identity id = (Identity) auth;
        r = hook(state, route, x, id);
        RateDecision.Allowed tightest = null;
        if (r == null) {
            Object limited = limits(state, route, id, peer);
            if (limited instanceof Refusal lr) {
                r = lr;
            } else {
                tightest = (RateDecision.Allowed) limited;
            }
        }
        byte[] body = null;
        if (r == null) {
            Object read = readBody(req, route, hasBody, headersDone);
            if (read instanceof Refusal br) {
                r = br;
            } else {
                body = (byte[]) read;
            }
        }
        if (r != null) {
            refuse(state, route, x, id, r, res);
            return;
        }
        RateDecision.Allowed rate = tightest;
        String target = rawQuery.isEmpty() ? path : path + '?' + rawQuery;
        Forwarder.Outcome out = state.forwarder().forward(route, req, res, method, target, body, id, requestId, peer,
                host, connectionTokens, response -> {
                    if (rate != null) {
                        rateHeaders(response, rate.limit(), rate.remaining(), rate.reset().toSeconds());
                    }
                });
        if (out.upstreamNanos() == 0) { // nothing was sent to the client yet
            refuse(state, route, x, id, Refusal.of(out.status(), out.code(), out.status() == 400
                    ? "The request target is not valid." : "The upstream service is unavailable.", out.code()), res);
            return;
        }
        allow(state, route, x, id, out.status(), out.code());
    }

    private static final Object PREFLIGHT_ANSWERED = new Object();

    /**
     * The route's own hardening, before any credential is looked at: sizes, source address, CORS, method,
     * API key in the URL, content type.
     *
     * @return {@code null} to continue, a {@link Refusal}, or {@link #PREFLIGHT_ANSWERED}
     */
    private static Object routeGuards(CompiledRoute route, ServerRequest req, ServerResponse res, String method,
                                      String rawPath, String rawQuery, byte[] peerBytes, boolean hasBody) {
        GatewayConfig.Hardening h = route.config.hardening();
        Refusal r = RequestGuard.uriSize(rawPath, rawQuery, h.maxUriBytes());
        if (r == null) {
            r = RequestGuard.headerSize(req, h.maxHeaderBytes());
        }
        if (r == null) {
            String source = route.checkSource(peerBytes);
            r = source == null ? null : Refusal.of(403, "ip_denied", "Access denied.", source);
        }
        if (r == null && h.cors() != null) {
            Object cors = Cors.handle(h.cors(), req, res, method);
            if (cors instanceof Refusal cr) {
                return cr;
            }
            if (Boolean.TRUE.equals(cors)) {
                return PREFLIGHT_ANSWERED;
            }
        }
        if (r == null && !route.allowsMethod(method)) {
            r = Refusal.of(405, "method_not_allowed", "Method not allowed.", "method not allowed on this route");
        }
        if (r == null) {
            r = RequestGuard.apiKeyInQuery(rawQuery);
        }
        if (r == null) {
            r = RequestGuard.contentType(route, req, hasBody);
        }
        return r;
    }

    private Refusal hook(GatewayState state, CompiledRoute route, Exchange x, Identity id) {
        if (!route.config.auth().authorizationHook()) {
            return null;
        }
        AuthorizationHook hook = state.hook();
        if (hook == null) {
            return Refusal.of(403, "authorization_denied", "Access denied.", "route requires the authorization hook; none installed");
        }
        VerifiedToken t = id.token();
        AuthorizationHook.Decision d;
        try {
            d = hook.authorize(new AccessRequest(route.id, x.method, x.path, id.method(), id.subject(),
                    t == null ? "" : t.issuerName(), t == null || t.clientId() == null ? "" : t.clientId(),
                    id.apiKey() == null ? "" : id.apiKey().keyId(), t == null ? Set.of() : t.scopes(),
                    t == null ? Set.of() : t.roles(), x.peer));
        } catch (RuntimeException e) {
            return Refusal.of(403, "authorization_denied", "Access denied.", "authorization hook failed: " + e.getClass().getSimpleName());
        }
        return switch (d) {
            case AuthorizationHook.Decision.Allow a -> null;
            case AuthorizationHook.Decision.Deny deny -> Refusal.of(403, "authorization_denied", "Access denied.", deny.reason());
        };
    }

    /** @return the tightest {@link RateDecision.Allowed} (or null if no limit applied), or a {@link Refusal} */
    private static Object limits(GatewayState state, CompiledRoute route, Identity id, String peer) {
        RateDecision.Allowed tightest = null;
        CompiledRoute.BoundLimit[] limits = route.limits;
        for (int i = 0; i <= limits.length; i++) {
            RateDecision d;
            if (i == limits.length) {
                if (id.apiKey() == null || id.apiKey().limitMax() == 0) {
                    break;
                }
                d = state.perKeyLimit(id.apiKey()).acquire(LimitKey.of(LimitScope.API_KEY, id.apiKey().keyId()).asString());
            } else {
                String value = limitValue(limits[i].scope(), route, id, peer);
                if (value == null) {
                    continue;
                }
                d = limits[i].limiter().acquire(LimitKey.of(limits[i].scope(), value).asString());
            }
            switch (d) {
                case RateDecision.Allowed a -> {
                    if (tightest == null || a.remaining() < tightest.remaining()) {
                        tightest = a;
                    }
                }
                case RateDecision.Limited l -> {
                    return new Refusal(429, "rate_limited", "Too many requests.",
                            "limit of " + l.limit() + " reached", null, l);
                }
                case RateDecision.Unavailable u -> {
                    return new Refusal(503, "ratelimit_unavailable", "Service temporarily unavailable.", u.reason(), null, u);
                }
            }
        }
        return tightest;
    }

    private static String limitValue(LimitScope scope, CompiledRoute route, Identity id, String peer) {
        VerifiedToken t = id.token();
        return switch (scope) {
            case API_KEY -> id.apiKey() == null ? null : id.apiKey().keyId();
            case CLIENT -> t != null ? t.clientId() : id.apiKey() != null ? id.apiKey().consumer() : null;
            case ACCOUNT -> t != null && !t.subject().isEmpty() ? t.subject() : null;
            case SOURCE -> peer;
            case ROUTE -> route.id;
            case GLOBAL -> "*";
        };
    }

    private Object readBody(ServerRequest req, CompiledRoute route, boolean hasBody, long headersDone) {
        if (!hasBody) {
            return new byte[0];
        }
        long max = route.config.hardening().maxBodyBytes();
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > max) {
            return Refusal.of(413, "body_too_large", "Request body too large.", "Content-Length over " + max);
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            Object read = deadlines.readBody(in, (int) Math.min(Integer.MAX_VALUE - 8, max), headersDone);
            if (read == ClientDeadlines.LATE) { // slow POST: the body trickled in past its deadline
                return Refusal.of(408, "request_timeout", "The request body did not arrive in time.",
                        "request body not received within the deadline");
            }
            body = (byte[]) read;
        } catch (IOException | RuntimeException e) {
            return Refusal.of(400, "body_unreadable", "The request body could not be read.", "body read failed");
        }
        if (body.length > max) {
            return Refusal.of(413, "body_too_large", "Request body too large.", "chunked body over " + max);
        }
        if (route.schema != null) {
            try {
                JsonNode json = JSON.readTree(body);
                Set<ValidationMessage> errors = route.schema.validate(json);
                if (!errors.isEmpty()) {
                    return Refusal.of(400, "schema_violation", "The request body does not match the API's schema.",
                            errors.iterator().next().getMessage());
                }
            } catch (IOException e) {
                return Refusal.of(400, "schema_violation", "The request body is not valid JSON.", "not JSON");
            }
        }
        return body;
    }

    private Authenticator.Presented presented(ServerRequest req, String method, String path, String host) {
        X509Certificate cert = null;
        if (req.isSecure()) {
            Certificate[] chain = req.remotePeer().tlsCertificates().orElse(null);
            if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate c) {
                cert = c;
            }
        }
        String htu = (req.isSecure() ? "https://" : "http://") + req.authority() + path;
        return new Authenticator.Presented(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null),
                req.headers().first(X_API_KEY).orElse(null), req.headers().first(DPOP).orElse(null), cert, method, htu);
    }

    private void allow(GatewayState state, CompiledRoute route, Exchange x, Identity id, int status, String code) {
        state.metrics().decision(route.id, true, code);
        audit(state, route, x, id, true, code, "status " + status);
    }

    private void refuse(GatewayState state, CompiledRoute route, Exchange x, Identity id, Refusal r, ServerResponse res) {
        String routeId = route == null ? "-" : route.id;
        state.metrics().decision(routeId, false, r.code());
        if (!audit(state, route, x, id, false, r.code(), r.reason())) {
            r = Refusal.of(503, "audit_unavailable", "Service temporarily unavailable.", "audit queue full");
        }
        if (r.status() == 408) { // the rest of a late body is not worth reading
            res.header(HeaderNames.CONNECTION, "close");
        }
        if (r.challenge() != null) {
            res.header(HeaderNames.WWW_AUTHENTICATE, r.challenge());
        }
        if (r.rate() instanceof RateDecision.Limited l) {
            long secs = Math.max(1, l.retryAfter().toSeconds());
            res.header(RETRY_AFTER, Long.toString(secs));
            rateHeaders(res, l.limit(), 0, secs);
        } else if (r.rate() instanceof RateDecision.Unavailable) {
            res.header(RETRY_AFTER, "1");
        }
        Problems.send(res, r.status(), r.title());
    }

    private static void rateHeaders(ServerResponse res, int limit, int remaining, long resetSeconds) {
        res.header(RL_LIMIT, Integer.toString(limit));
        res.header(RL_REMAINING, Integer.toString(remaining));
        res.header(RL_RESET, Long.toString(resetSeconds));
    }

    private boolean audit(GatewayState state, CompiledRoute route, Exchange x, Identity id, boolean allowed,
                          String code, String reason) {
        AuditEvent.Builder b = AuditEvent.builder(allowed ? "gateway.allow" : "gateway.deny")
                .actor(RequestFacts.truncate(id.actor(), 256))
                .resource(RequestFacts.truncate((route == null ? "-" : route.id) + " " + x.method + " "
                        + (x.path == null ? "(refused path)" : x.path), 1024))
                .decision(allowed ? AuditDecision.ALLOW : AuditDecision.DENY)
                .reason(RequestFacts.truncate(code + ": " + reason, 1024))
                .requestId(x.requestId)
                .sourceAddress(x.peer)
                .service("aegis-gateway");
        if (id.apiKey() != null) {
            b.detail("api_key_id", id.apiKey().keyId());
        }
        if (id.token() != null) {
            b.detail("issuer", id.token().issuerName());
            if (id.token().jti() != null) {
                b.detail("jti", RequestFacts.truncate(id.token().jti(), 256));
            }
        }
        return state.auditor().submit(b.build());
    }

    /** Per-request facts for audit. */
    private static final class Exchange {
        final String requestId;
        final String method;
        final String rawPath;
        final String peer;
        final String host;
        String path;

        Exchange(String requestId, String method, String rawPath, String peer, String host) {
            this.requestId = requestId;
            this.method = method;
            this.rawPath = rawPath;
            this.peer = peer;
            this.host = host;
        }
    }

}
