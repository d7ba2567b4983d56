package dev.aegis.gateway.internal;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Sends an admitted request to the route's upstream and copies the answer back. Before forwarding it strips
 * hop-by-hop headers (RFC 9110 §7.6.1), every client-sent {@code X-Forwarded-*}/{@code Forwarded}/
 * {@code X-Real-IP} and {@code X-Aegis-*} header and the API key, then sets its own forwarding and identity
 * headers; a JWT is forwarded as is, so the service can verify it again (zero trust). Retries go to the next
 * target and only for idempotent methods (RFC 9110 §9.2.2), on connection failures and 502/503/504.
 * Thread-safe (stateless apart from the pools).
 */
final class Forwarder {

    /** Forwarding outcome: the upstream status, or 502/503/504 when no upstream answered. */
    record Outcome(int status, String code, long upstreamNanos) {
    }

    static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    static final HeaderName X_FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
    static final HeaderName X_FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");
    static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    static final HeaderName X_AEGIS_SUBJECT = HeaderNames.create("X-Aegis-Subject");
    static final HeaderName X_AEGIS_AUTH = HeaderNames.create("X-Aegis-Auth");
    static final HeaderName X_AEGIS_API_KEY_ID = HeaderNames.create("X-Aegis-Api-Key-Id");
    static final HeaderName X_AEGIS_ISSUER = HeaderNames.create("X-Aegis-Issuer");
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect");
    /** Hop-by-hop, plus the headers the gateway sets itself (its security headers win over the upstream's). */
    private static final Set<String> RESPONSE_DROP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "x-frame-options",
            "x-content-type-options", "referrer-policy", "strict-transport-security", "x-request-id");

    private final GatewayMetrics metrics;

    Forwarder(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /** Request headers the gateway never passes on as the client sent them. */
    static boolean stripped(String lowerName) {
        if (HOP_BY_HOP.contains(lowerName)) {
            return true;
        }
        return lowerName.startsWith("x-forwarded-") || lowerName.equals("forwarded") || lowerName.equals("x-real-ip")
                || lowerName.startsWith("x-aegis-") || lowerName.equals("x-api-key") || lowerName.equals("dpop")
                || lowerName.equals("x-request-id") || lowerName.equals("x-client-cert")
                || lowerName.equals("ssl-client-cert");
    }

    Outcome forward(CompiledRoute route, ServerRequest req, ServerResponse res, String method, String pathAndQuery,
                    byte[] body, Identity id, String requestId, String peer, String host, Set<String> connectionTokens,
                    ResponseDecorator decorator) {
        UpstreamPool pool = route.pool;
        int attempts = IDEMPOTENT.contains(method) ? 1 + pool.config().retries() : 1;
        boolean apiKeyInAuthorization = "api-key".equals(id.method());
        for (int attempt = 0; attempt < attempts; attempt++) {
            UpstreamPool.Target target = pool.next();
            if (target == null) {
                return new Outcome(503, "no_upstream", 0);
            }
            long start = System.nanoTime();
            Http1ClientRequest out = target.client.method(Method.create(method)).uri(target.base + pathAndQuery)
                    .skipUriEncoding(true).readTimeout(pool.config().timeout());
            for (Header header : req.headers()) {
                String lower = header.name().toLowerCase(java.util.Locale.ROOT);
                if (stripped(lower) || connectionTokens.contains(lower)
                        || (apiKeyInAuthorization && lower.equals("authorization"))) {
                    continue;
                }
                out.header(header);
            }
            out.header(X_FORWARDED_FOR, peer);
            out.header(X_FORWARDED_PROTO, req.isSecure() ? "https" : "http");
            if (host != null) {
                out.header(X_FORWARDED_HOST, host);
            }
            out.header(X_REQUEST_ID, requestId);
            out.header(X_AEGIS_AUTH, id.method());
            if (!"none".equals(id.method())) {
                out.header(X_AEGIS_SUBJECT, id.subject());
            }
            if (id.apiKey() != null) {
                out.header(X_AEGIS_API_KEY_ID, id.apiKey().keyId());
            }
            if (id.token() != null) {
                out.header(X_AEGIS_ISSUER, id.token().issuerName());
            }
            HttpClientResponse upstream;
            try {
                upstream = body.length == 0 && !"POST".equals(method) && !"PUT".equals(method) && !"PATCH".equals(method)
                        ? out.request() : out.submit(body);
            } catch (UncheckedIOException | IllegalStateException | io.helidon.http.HttpException e) {
                target.failure(System.nanoTime());
                continue;
            } catch (RuntimeException e) { // connect timeout, refused, TLS identity mismatch
                target.failure(System.nanoTime());
                continue;
            }
            long nanos = System.nanoTime() - start;
            metrics.upstream(route.id, nanos);
            int status = upstream.status().code();
            if ((status == 502 || status == 503 || status == 504) && attempt + 1 < attempts) {
                target.failure(System.nanoTime());
                upstream.close();
                continue;
            }
            if (status >= 500) {
                target.failure(System.nanoTime());
            } else {
                target.success();
            }
            copyResponse(upstream, res, status, decorator);
            return new Outcome(status, status < 400 ? "ok" : "upstream_" + status, nanos);
        }
        return new Outcome(502, "upstream_unavailable", 0);
    }

    private static void copyResponse(HttpClientResponse upstream, ServerResponse res, int status,
                                     ResponseDecorator decorator) {
        try (upstream) {
            res.status(Status.create(status));
            for (Header h : upstream.headers()) {
                String lower = h.name().toLowerCase(java.util.Locale.ROOT);
                if (!RESPONSE_DROP.contains(lower)) {
                    res.header(h);
                }
            }
            decorator.decorate(res);
            InputStream in = upstream.inputStream();
            try (OutputStream o = res.outputStream()) {
                in.transferTo(o);
            }
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the gateway's own response headers (security, CORS, rate limit) after the upstream's. */
    @FunctionalInterface
    interface ResponseDecorator {
        void decorate(ServerResponse res);
    }
}
