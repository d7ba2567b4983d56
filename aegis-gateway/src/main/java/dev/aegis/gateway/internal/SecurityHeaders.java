package dev.aegis.gateway.internal;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * Response headers the gateway sets on every answer (OWASP Secure Headers): no MIME sniffing, no framing, no
 * referrer, HSTS on TLS listeners. An upstream's own values of these headers are replaced, not doubled.
 */
final class SecurityHeaders {

    private static final HeaderName X_FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName HSTS = HeaderNames.create("Strict-Transport-Security");

    private SecurityHeaders() {
    }

    static void apply(ServerResponse res, boolean secure) {
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(X_FRAME_OPTIONS, "DENY");
        res.header(REFERRER_POLICY, "no-referrer");
        if (secure) {
            res.header(HSTS, "max-age=31536000; includeSubDomains");
        }
    }
}
