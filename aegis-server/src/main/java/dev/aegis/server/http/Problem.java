package dev.aegis.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * An RFC 9457 problem details response ({@code application/problem+json}). The detail is always a fixed,
 * client-safe sentence: never an exception message, a stack trace, a secret or an echo of the request.
 */
final class Problem {
    static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problem() {
    }

    static void send(ServerResponse response, Status status, String detail) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", status.reasonPhrase());
        body.put("status", status.code());
        body.put("detail", detail);
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        response.send(body.toString());
    }
}
