package dev.aegis.gateway.internal;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * Refusals as RFC 9457 problem details. The text is the gateway's fixed title for the refusal; nothing from
 * the request is echoed and no internal reason is shown.
 */
final class Problems {

    private Problems() {
    }

    static void send(ServerResponse res, int status, String title) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.create("Content-Security-Policy"), "default-src 'none'");
        String body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + "}";
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
