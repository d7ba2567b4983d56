package dev.aegis.examples.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.aegis.examples.api.FleetService;
import dev.aegis.sdk.api.authz.AuthzClient;
import dev.aegis.sdk.api.authz.AuthzDecision;
import dev.aegis.sdk.api.guard.GuardFilter;
import dev.aegis.sdk.api.guard.ServiceGuard;
import dev.aegis.sdk.api.token.AccessToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The business endpoint of a fleet service, behind {@link GuardFilter} (so only verified tokens with the
 * service's scope from its one allowed caller get here): it passes the request on to the next service and
 * answers a small JSON document naming the service, the user, the acting services ({@code act}, RFC 8693 §4.1)
 * and the next service's answer. Never a token.
 */
final class FleetHandler implements HttpHandler {
    /** The account of a request without {@code ?account=}: every user may write to it (tuple {@code user:*}). */
    static final String DEFAULT_ACCOUNT = "main";
    private static final int MAX_ACCOUNT = 64;

    private final FleetService service;
    private final Downstream next; // null at the end of the chain
    private final AuthzClient authz; // ledger only
    private final ServiceGuard guard;

    FleetHandler(FleetService service, Downstream next, AuthzClient authz, ServiceGuard guard) {
        this.service = service;
        this.next = next;
        this.authz = authz;
        this.guard = guard;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
                return;
            }
            byte[] body = readBounded(exchange.getRequestBody());
            if (body == null) {
                send(exchange, 413, "{\"error\":\"body_too_large\"}");
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            String account = account(query);
            if (account == null) {
                send(exchange, 400, "{\"error\":\"invalid_account\"}");
                return;
            }
            AccessToken token = GuardFilter.token(exchange);
            if (authz != null && !mayWrite(token, account, exchange.getRequestURI().getRawPath())) {
                send(exchange, 403, "{\"error\":\"forbidden\",\"service\":\"" + service.id() + "\"}");
                return;
            }
            StringBuilder out = new StringBuilder(256).append("{\"service\":\"").append(service.id())
                    .append("\",\"subject\":\"").append(escape(token.subject()))
                    .append("\",\"client\":\"").append(escape(token.clientId()))
                    .append("\",\"act\":\"").append(escape(actors(token))).append("\",\"account\":\"").append(account)
                    .append('"');
            int status = 200;
            if (next != null) {
                String header = exchange.getRequestHeaders().getFirst("Authorization");
                Downstream.Reply reply = next.call(header.substring(header.indexOf(' ') + 1).strip(), body,
                        query == null ? "" : "?account=" + account);
                status = reply.status() == 200 ? 200 : 502;
                out.append(",\"next_status\":").append(reply.status()).append(",\"next\":").append(reply.body());
            }
            send(exchange, status, out.append('}').toString());
        }
    }

    /**
     * The relationship check (DESIGN.md step 5): is the user a {@code writer} of {@code account:<id>}? A failed
     * check (engine unreachable, refused credential) denies.
     */
    private boolean mayWrite(AccessToken token, String account, String path) {
        AuthzDecision decision = authz.check("user:" + token.subject(), "writer", "account:" + account);
        if (!decision.allowed()) {
            guard.recordDenial(service.action(), path, "not a writer of account:" + account + " (" + decision + ")");
        }
        return decision.allowed();
    }

    /**
     * The {@code account} query parameter ({@link #DEFAULT_ACCOUNT} without a query); {@code null} when it is not
     * 1..64 characters of {@code [A-Za-z0-9_-]} or the query has anything else.
     */
    static String account(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return DEFAULT_ACCOUNT;
        }
        if (!rawQuery.startsWith("account=") || rawQuery.length() == "account=".length()
                || rawQuery.length() > "account=".length() + MAX_ACCOUNT) {
            return null;
        }
        for (int i = "account=".length(); i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return null;
            }
        }
        return rawQuery.substring("account=".length());
    }

    /** The acting services of an exchanged token, most recent first ({@code act}, nested): "payments,orders". */
    static String actors(AccessToken token) {
        StringBuilder names = new StringBuilder();
        Object act = token.claims().claim("act").orElse(null);
        for (int depth = 0; act instanceof Map<?, ?> m && depth < 8; depth++) {
            if (!names.isEmpty()) {
                names.append(',');
            }
            names.append(m.get("sub"));
            act = m.get("act");
        }
        return names.toString();
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] body = in.readNBytes(Downstream.MAX_BODY + 1);
        return body.length > Downstream.MAX_BODY ? null : body;
    }

    static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** JSON string escaping for the few values the handler echoes (subject and client ids). */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
