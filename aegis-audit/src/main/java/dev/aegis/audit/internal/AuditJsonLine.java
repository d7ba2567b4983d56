package dev.aegis.audit.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditRecord;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One audit record as one JSON object on one line (JSON Lines, for ELK / Loki), and back.
 *
 * <p>Fields, in this order: {@code seq}, {@code eventId}, {@code time} (ISO-8601 UTC), {@code actor},
 * {@code subject}, {@code action}, {@code resource}, {@code decision}, {@code reason}, {@code requestId},
 * {@code sourceAddress}, {@code service}, {@code details} (object), {@code prevHash}, {@code hash}. Absent
 * (null) fields are omitted. JSON is only the transport: the hash is over {@link CanonicalAuditEncoding}, so
 * re-formatting a line does not break verification but changing a value does. Parsing is strict: unknown
 * fields, duplicate keys and wrong types are rejected, so nothing outside the hash can ride along in a line.
 *
 * <p>Stateless and thread-safe.
 */
public final class AuditJsonLine {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> FIELDS = Set.of("seq", "eventId", "time", "actor", "subject", "action",
            "resource", "decision", "reason", "requestId", "sourceAddress", "service", "details", "prevHash", "hash");

    private AuditJsonLine() {
    }

    /** @return the record as one line of JSON, without the line terminator */
    public static String encode(AuditRecord record) {
        AuditEvent e = record.event();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("seq", record.sequence());
        node.put("eventId", e.eventId());
        node.put("time", e.time().toString());
        putIfPresent(node, "actor", e.actor());
        putIfPresent(node, "subject", e.subject());
        node.put("action", e.action());
        putIfPresent(node, "resource", e.resource());
        node.put("decision", e.decision().name());
        putIfPresent(node, "reason", e.reason());
        putIfPresent(node, "requestId", e.requestId());
        putIfPresent(node, "sourceAddress", e.sourceAddress());
        putIfPresent(node, "service", e.service());
        ObjectNode details = node.putObject("details");
        e.details().forEach(details::put);
        node.put("prevHash", record.previousHash());
        node.put("hash", record.hash());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialize an audit record", ex);
        }
    }

    /**
     * @param line one line of a JSON-lines audit file
     * @return the record it holds
     * @throws IllegalArgumentException when the line is not a well-formed audit record (the message names
     *                                  the problem, never the contents)
     */
    public static AuditRecord decode(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!FIELDS.contains(field.getKey())) {
                throw new IllegalArgumentException("unknown field");
            }
        }
        JsonNode seq = node.get("seq");
        if (seq == null || !seq.canConvertToExactIntegral() || !seq.canConvertToLong()) {
            throw new IllegalArgumentException("seq must be an integer");
        }
        AuditEvent event = new AuditEvent(text(node, "eventId"), instant(text(node, "time")),
                text(node, "actor"), text(node, "subject"), text(node, "action"), text(node, "resource"),
                decision(text(node, "decision")), text(node, "reason"), text(node, "requestId"),
                text(node, "sourceAddress"), text(node, "service"), details(node.get("details")));
        return new AuditRecord(seq.asLong(), event, text(node, "prevHash"), text(node, "hash"));
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(name + " must be a string");
        }
        return v.textValue();
    }

    private static Instant instant(String value) {
        if (value == null) {
            throw new IllegalArgumentException("time is missing");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException ex) {
            throw new IllegalArgumentException("time is not an ISO-8601 instant");
        }
    }

    private static AuditDecision decision(String value) {
        if (value == null) {
            throw new IllegalArgumentException("decision is missing");
        }
        try {
            return AuditDecision.valueOf(value);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("unknown decision");
        }
    }

    private static Map<String, String> details(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("details must be an object");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("details values must be strings");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** @return the details map as a JSON object text, for the database's {@code details} column */
    public static String detailsJson(Map<String, String> details) {
        try {
            return MAPPER.writeValueAsString(details);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialize audit details", ex);
        }
    }

    /**
     * @param json the database's {@code details} column ({@code null} reads as no details)
     * @return the details map
     * @throws IllegalArgumentException when the text is not a JSON object of strings
     */
    public static Map<String, String> parseDetails(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return details(MAPPER.readTree(json));
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("details is not valid JSON");
        }
    }
}
