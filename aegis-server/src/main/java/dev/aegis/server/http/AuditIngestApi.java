package dev.aegis.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code POST /audit/v1/events}: services hand their security decisions to the platform's hash-chained audit
 * trail in batches (the SDK's {@code AuditClient}), so one trail holds every hop's decisions.
 *
 * <p>Body: {@code {"events":[{"action":"orders.create","decision":"ALLOW","actor":…,"subject":…,"resource":…,
 * "reason":…,"request_id":…,"source_address":…,"time":"<ISO-8601>","details":{…}}]}}, at most
 * {@value #MAX_EVENTS} events and {@value #MAX_BODY_BYTES} bytes. The {@code service} of each record is the
 * authenticated caller, never a value from the body, so a service cannot write in another's name. The answer
 * is 202 only once every event is durable (fail-closed); 503 tells the client to retry.
 */
public final class AuditIngestApi {
    static final int MAX_EVENTS = 500;
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog audit;
    private final Function<String, Optional<String>> callers;

    /**
     * @param callers maps a bearer credential to the caller's name (a client id, or {@code bootstrap-admin}),
     *                empty when the credential is not accepted for audit ingestion
     */
    public AuditIngestApi(AuditLog audit, Function<String, Optional<String>> callers) {
        this.audit = audit;
        this.callers = callers;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/audit/v1/events", this::ingest);
    }

    private void ingest(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        Optional<String> authorization = request.headers().first(HeaderNames.AUTHORIZATION);
        Optional<String> credential = BearerToken.of(authorization);
        Optional<String> caller = credential.isPresent() ? callers.apply(credential.get()) : Optional.empty();
        if (caller.isEmpty()) {
            BearerToken.challenge(response, authorization.isPresent());
            Problem.send(response, Status.UNAUTHORIZED_401, "A valid service credential is required.");
            return;
        }
        List<AuditEvent> events;
        try {
            events = parse(read(request), caller.get());
        } catch (IllegalArgumentException e) {
            Problem.send(response, Status.BAD_REQUEST_400, e.getMessage());
            return;
        }
        try {
            audit.recordAll(events);
        } catch (AuditUnavailableException e) {
            response.header(HeaderNames.RETRY_AFTER, "1");
            Problem.send(response, Status.SERVICE_UNAVAILABLE_503, "The audit trail is unavailable; retry the batch.");
            return;
        }
        response.status(Status.ACCEPTED_202);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send("{\"recorded\":" + events.size() + "}");
    }

    private static byte[] read(ServerRequest request) {
        try (InputStream in = request.content().inputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("The batch exceeds " + MAX_BODY_BYTES + " bytes.");
            }
            return body;
        } catch (IOException e) {
            throw new IllegalArgumentException("The request body could not be read.");
        }
    }

    static List<AuditEvent> parse(byte[] body, String service) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("The body is not JSON.");
        }
        JsonNode array = root == null ? null : root.get("events");
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new IllegalArgumentException("The body must be {\"events\": [ … ]} with at least one event.");
        }
        if (array.size() > MAX_EVENTS) {
            throw new IllegalArgumentException("At most " + MAX_EVENTS + " events per batch.");
        }
        List<AuditEvent> events = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            events.add(event(array.get(i), i, service));
        }
        return events;
    }

    private static AuditEvent event(JsonNode e, int index, String service) {
        if (e == null || !e.isObject()) {
            throw new IllegalArgumentException("events[" + index + "] must be an object.");
        }
        String action = text(e, "action", index);
        if (action == null) {
            throw new IllegalArgumentException("events[" + index + "].action is required.");
        }
        AuditEvent.Builder b = AuditEvent.builder(action).service(service)
                .decision(decision(text(e, "decision", index), index))
                .actor(text(e, "actor", index)).subject(text(e, "subject", index))
                .resource(text(e, "resource", index)).reason(text(e, "reason", index))
                .requestId(text(e, "request_id", index)).sourceAddress(text(e, "source_address", index));
        String time = text(e, "time", index);
        if (time != null) {
            try {
                b.time(Instant.parse(time));
            } catch (DateTimeParseException ex) {
                throw new IllegalArgumentException("events[" + index + "].time must be an ISO-8601 instant.");
            }
        }
        JsonNode details = e.get("details");
        if (details != null && !details.isNull()) {
            if (!details.isObject()) {
                throw new IllegalArgumentException("events[" + index + "].details must be an object of strings.");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = details.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> d = it.next();
                if (!d.getValue().isTextual()) {
                    throw new IllegalArgumentException("events[" + index + "].details values must be strings.");
                }
                b.detail(d.getKey(), d.getValue().asText());
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException ex) {
            // AuditEvent's own rules (lengths, characters): its messages name the field, never echo the value.
            throw new IllegalArgumentException("events[" + index + "]: " + ex.getMessage());
        }
    }

    private static AuditDecision decision(String value, int index) {
        if (value == null) {
            return AuditDecision.INFO;
        }
        try {
            return AuditDecision.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("events[" + index + "].decision must be ALLOW, DENY, ERROR or INFO.");
        }
    }

    private static String text(JsonNode e, String field, int index) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("events[" + index + "]." + field + " must be a string.");
        }
        return v.asText();
    }
}
