package dev.aegis.gateway.internal;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;

/**
 * CORS (WHATWG Fetch §3.2) for a route with a CORS policy: exact origins only (never {@code *} with
 * credentials); a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) is answered by the
 * gateway itself; a request from an origin that is not listed is refused (403) instead of being forwarded.
 */
final class Cors {

    private static final HeaderName ORIGIN = HeaderNames.create("Origin");
    private static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");
    private static final HeaderName REQUEST_HEADERS = HeaderNames.create("Access-Control-Request-Headers");

    private Cors() {
    }

    /** @return {@code null} (not CORS or allowed, continue), {@code TRUE} (preflight answered) or a {@link Refusal} */
    static Object handle(GatewayConfig.Cors cors, ServerRequest req, ServerResponse res, String method) {
        String origin = req.headers().first(ORIGIN).orElse(null);
        if (origin == null) {
            return null;
        }
        if (!cors.origins().contains(origin)) {
            return Refusal.of(403, "cors_origin", "Origin not allowed.", "origin not in the route's CORS list");
        }
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        res.header(HeaderNames.VARY, "Origin");
        if (cors.credentials()) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        String requested = req.headers().first(REQUEST_METHOD).orElse(null);
        if (!"OPTIONS".equals(method) || requested == null) {
            return null;
        }
        if (!cors.methods().contains(requested.toUpperCase(Locale.ROOT))) {
            return Refusal.of(403, "cors_method", "Method not allowed for this origin.", "preflight method not allowed");
        }
        String headers = req.headers().first(REQUEST_HEADERS).orElse("");
        for (String h : headers.split(",")) {
            String name = h.strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !cors.headers().contains(name)) {
                return Refusal.of(403, "cors_header", "Header not allowed for this origin.", "preflight header not allowed");
            }
        }
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", cors.methods()));
        if (!cors.headers().isEmpty()) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", cors.headers()));
        }
        res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(cors.maxAge().toSeconds()));
        res.status(io.helidon.http.Status.NO_CONTENT_204);
        res.send();
        return Boolean.TRUE;
    }
}
