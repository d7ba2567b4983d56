package dev.aegis.gateway.internal;

import dev.aegis.gateway.api.ApiKeyRegistry;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;

/**
 * The request-hardening checks that run before authentication, each returning {@code null} (pass) or the
 * {@link Refusal}: request smuggling (RFC 9112 §6.1, §6.3), URI and header size, source address, content
 * type, and an API key leaked into the query string (seed 002). Stateless; thread-safe.
 */
final class RequestGuard {

    private RequestGuard() {
    }

    /**
     * RFC 9112 §6.1: a message with both Transfer-Encoding and Content-Length is a smuggling attempt
     * (a front end and a back end could frame it differently); so are several differing Content-Length values
     * and any transfer coding other than a single {@code chunked}. Refused, and the connection closed.
     */
    static Refusal smuggling(ServerRequest req) {
        List<String> te = req.headers().all(HeaderNames.TRANSFER_ENCODING, List::of);
        List<String> cl = req.headers().all(HeaderNames.CONTENT_LENGTH, List::of);
        if (!te.isEmpty() && !cl.isEmpty()) {
            return Refusal.of(400, "request_smuggling", "Conflicting message framing.",
                    "both Transfer-Encoding and Content-Length (RFC 9112 §6.1)");
        }
        if (cl.size() > 1 || (cl.size() == 1 && cl.get(0).indexOf(',') >= 0)) {
            String first = cl.get(0).split(",")[0].strip();
            for (String v : cl) {
                for (String part : v.split(",")) {
                    if (!part.strip().equals(first)) {
                        return Refusal.of(400, "request_smuggling", "Conflicting message framing.",
                                "differing Content-Length values (RFC 9112 §6.3)");
                    }
                }
            }
        }
        if (te.size() > 1 || (te.size() == 1 && !"chunked".equalsIgnoreCase(te.get(0).strip()))) {
            return Refusal.of(400, "request_smuggling", "Conflicting message framing.",
                    "transfer coding other than a single chunked (RFC 9112 §6.3)");
        }
        return null;
    }

    /** Header section size as sent (names + values + separators), against the route's limit. */
    static Refusal headerSize(ServerRequest req, int max) {
        int total = 0;
        for (Header h : req.headers()) {
            total += h.name().length() + 4;
            List<String> values = h.allValues();
            for (int i = 0; i < values.size(); i++) {
                total += values.get(i).length();
            }
            if (total > max) {
                return Refusal.of(431, "headers_too_large", "Request header fields too large.",
                        "header section over " + max + " bytes");
            }
        }
        return null;
    }

    static Refusal uriSize(String rawPath, String rawQuery, int max) {
        if (rawPath.length() + rawQuery.length() > max) {
            return Refusal.of(414, "uri_too_long", "URI too long.", "request target over " + max + " bytes");
        }
        return null;
    }

    /** Seed 002: an API key in a URL ends up in logs, proxies and browser history; such requests are refused. */
    static Refusal apiKeyInQuery(String rawQuery) {
        if (!rawQuery.isEmpty() && rawQuery.contains(ApiKeyRegistry.PREFIX)) {
            return Refusal.of(400, "api_key_in_query", "API keys must not be sent in the URL; use the X-API-Key header.",
                    "API key in the query string");
        }
        return null;
    }

    static Refusal contentType(CompiledRoute route, ServerRequest req, boolean hasBody) {
        if (route.contentTypes.length == 0 || !hasBody) {
            return null;
        }
        String ct = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        int semi = ct.indexOf(';');
        String type = (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(java.util.Locale.ROOT);
        for (String allowed : route.contentTypes) {
            if (allowed.equals(type)) {
                return null;
            }
        }
        return Refusal.of(415, "content_type", "Unsupported media type.", "content type not in the route's allowlist");
    }
}
