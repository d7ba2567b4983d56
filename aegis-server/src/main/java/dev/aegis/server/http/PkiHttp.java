package dev.aegis.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.pki.api.IssuanceError;
import dev.aegis.server.config.DurationText;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/**
 * Request parsing and answers shared by the workload CA's HTTP APIs ({@link PkiApi}, {@link PkiTrustApi}): the
 * peer's certificate chain, JSON bodies and fields, and problem+json errors with the CA's error codes.
 * Stateless.
 */
final class PkiHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    private PkiHttp() {
    }

    static X509Certificate[] peerChain(ServerRequest request) {
        Optional<Certificate[]> certs = request.remotePeer().tlsCertificates();
        if (certs.isEmpty()) {
            return new X509Certificate[0];
        }
        Certificate[] raw = certs.get();
        X509Certificate[] out = new X509Certificate[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = (X509Certificate) raw[i];
        }
        return out;
    }

    static JsonNode body(ServerRequest request, ServerResponse response) {
        try {
            JsonNode node = JSON.readTree(request.content().as(String.class));
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not an object");
            }
            return node;
        } catch (Exception e) {
            problem(response, IssuanceError.INVALID_REQUEST, "The request body must be a JSON object.");
            return null;
        }
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return n.asText();
    }

    static Duration duration(JsonNode body, String field, Duration fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (n.isNumber()) {
            return Duration.ofSeconds(n.asLong());
        }
        return DurationText.parse(n.asText().strip()).orElseThrow(
                () -> new IllegalArgumentException(field + " must be a duration such as 30m, 1h or PT1H"));
    }

    /** An admin write of the workload CA on the request's JSON object, by the authenticated {@code admin}. */
    @FunctionalInterface
    interface AdminAction {
        void run(String admin, JsonNode body) throws AuditUnavailableException;
    }

    /**
     * The frame of every admin write: the caller is authenticated (and audited) by {@link AdminAuth#require},
     * the body must be a JSON object, and the action's failures become problems: an
     * {@link IllegalArgumentException} is 400 {@code invalid_request} with its message, an audit trail that
     * cannot take the record is 503.
     */
    static void adminAction(AdminAuth admins, ServerRequest request, ServerResponse response, String resource,
                            AdminAction action) {
        Optional<String> admin = admins.require(request, response, resource);
        JsonNode body = admin.isEmpty() ? null : body(request, response);
        if (body == null) {
            return;
        }
        try {
            action.run(admin.get(), body);
        } catch (IllegalArgumentException e) {
            problem(response, IssuanceError.INVALID_REQUEST, e.getMessage());
        } catch (AuditUnavailableException e) {
            auditDown(response);
        }
    }

    static void problem(ServerResponse response, IssuanceError error, String detail) {
        ObjectNode body = JSON.createObjectNode();
        Status status = Status.create(error.status());
        body.put("type", "urn:aegis:pki:error:" + error.code());
        body.put("title", status.reasonPhrase());
        body.put("status", error.status());
        body.put("detail", detail);
        body.put("error", error.code());
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.send(body.toString());
    }

    static void auditDown(ServerResponse response) {
        Problem.send(response, Status.SERVICE_UNAVAILABLE_503, "The audit trail is unavailable; try again later.");
    }

    static void json(ServerResponse response, Status status, JsonNode body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body.toString());
    }
}
