package dev.aegis.secrets.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecureIds;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Vault's JSON shapes: the response envelope ({@code request_id}, {@code lease_id}, {@code data}, {@code auth},
 * ...), the error body {@code {"errors":[...]}}, RFC 3339 times, and request field readers that answer bad input
 * with 400 instead of an exception.
 */
final class VaultJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int MAX_BODY_DEPTH_BYTES = 1 << 20;

    private VaultJson() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    static String time(Instant t) {
        return t == null ? "" : RFC3339.format(t);
    }

    /** Parses a request body: empty means {@code {}}; anything but a JSON object is a 400. */
    static ObjectNode parseBody(byte[] body) {
        if (body.length == 0) {
            return object();
        }
        if (body.length > MAX_BODY_DEPTH_BYTES) {
            throw VaultError.badRequest("request body too large");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isNull() || node.isMissingNode()) {
                return object();
            }
            if (!node.isObject()) {
                throw VaultError.badRequest("request body must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw VaultError.badRequest("failed to parse JSON input: malformed request body");
        }
    }

    /** The common response envelope with {@code data}. */
    static ObjectNode envelope(JsonNode data) {
        ObjectNode o = object();
        o.put("request_id", UUID.randomUUID().toString());
        o.put("lease_id", "");
        o.put("renewable", false);
        o.put("lease_duration", 0);
        o.set("data", data == null ? NullNode.getInstance() : data);
        o.putNull("wrap_info");
        o.putNull("warnings");
        o.putNull("auth");
        o.put("mount_type", "");
        return o;
    }

    static dev.aegis.secrets.api.VaultResponse errorResponse(int status, String message) {
        ObjectNode o = object();
        o.putArray("errors").add(message);
        return new dev.aegis.secrets.api.VaultResponse(status, write(o));
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    static String text(ObjectNode body, String field, String fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isValueNode()) {
            throw VaultError.badRequest("field " + field + " must be a string");
        }
        return n.asText();
    }

    static String requiredText(ObjectNode body, String field) {
        String s = text(body, field, null);
        if (s == null || s.isEmpty()) {
            throw VaultError.badRequest("missing " + field);
        }
        return s;
    }

    static long integer(ObjectNode body, String field, long fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isTextual()) {
            try {
                return Long.parseLong(n.asText().strip());
            } catch (NumberFormatException e) {
                throw VaultError.badRequest("field " + field + " must be an integer");
            }
        }
        throw VaultError.badRequest("field " + field + " must be an integer");
    }

    static boolean bool(ObjectNode body, String field, boolean fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isTextual() && ("true".equals(n.asText()) || "false".equals(n.asText()))) {
            return Boolean.parseBoolean(n.asText());
        }
        throw VaultError.badRequest("field " + field + " must be a boolean");
    }

    /** A list given as a JSON array of strings or as one comma-separated string (Vault accepts both). */
    static List<String> strings(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isValueNode()) {
                    throw VaultError.badRequest("field " + field + " must be a list of strings");
                }
                addTrimmed(out, e.asText());
            }
            return out;
        }
        if (n.isValueNode()) {
            for (String part : n.asText().split(",")) {
                addTrimmed(out, part);
            }
            return out;
        }
        throw VaultError.badRequest("field " + field + " must be a list of strings");
    }

    private static void addTrimmed(List<String> out, String s) {
        String t = s.strip();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    static String newAccessor() {
        return SecureIds.token(18);
    }
}
