package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** JSON shapes of the OpenFGA HTTP API (openfga/api, {@code openfga/v1/openfga_service.proto}): readers and writers. */
final class OpenFgaJson {
    private OpenFgaJson() {
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidInputException(field + " must be a string");
        }
        return v.textValue();
    }

    static String required(JsonNode node, String field) {
        String v = text(node, field);
        if (v == null || v.isEmpty()) {
            throw new InvalidInputException(field + " is required");
        }
        return v;
    }

    /** {@code {"object":..,"relation":..,"user":..,"condition":{"name":..,"context":{..}}}} */
    static Tuple tupleKey(JsonNode key, boolean allowCondition) {
        if (key == null || !key.isObject()) {
            throw new InvalidInputException("tuple_key is required");
        }
        JsonNode cond = key.get("condition");
        String name = null;
        ObjectNode context = null;
        if (cond != null && !cond.isNull()) {
            if (!allowCondition) {
                throw new InvalidInputException("a condition is not allowed here");
            }
            name = required(cond, "name");
            JsonNode ctx = cond.get("context");
            if (ctx != null && !ctx.isNull()) {
                if (!ctx.isObject()) {
                    throw new InvalidInputException("condition.context must be an object");
                }
                context = (ObjectNode) ctx;
            }
        }
        return TupleKeys.parse(text(key, "object"), text(key, "relation"), text(key, "user"), name, context);
    }

    static List<Tuple> tupleKeys(JsonNode list, boolean allowCondition, int max) {
        List<Tuple> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new InvalidInputException("tuple_keys must be an array");
        }
        if (list.size() > max) {
            throw new InvalidInputException("at most " + max + " tuples are allowed here");
        }
        for (JsonNode k : list) {
            out.add(tupleKey(k, allowCondition));
        }
        return out;
    }

    /** {@code contextual_tuples} as {@code {"tuple_keys":[...]}} (check, list-objects) or a bare array (list-users). */
    static List<Tuple> contextual(JsonNode node, int max) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        return tupleKeys(node.isArray() ? node : node.get("tuple_keys"), true, max);
    }

    static JsonNode context(JsonNode body) {
        JsonNode c = body.get("context");
        if (c == null || c.isNull()) {
            return null;
        }
        if (!c.isObject()) {
            throw new InvalidInputException("context must be an object");
        }
        return c;
    }

    /** OpenFGA's {@code consistency} preference plus Aegis's {@code consistency_token} (at least as fresh as). */
    static Consistency consistency(JsonNode body) {
        String pref = text(body, "consistency");
        String token = text(body, "consistency_token");
        boolean full = false;
        if (pref != null) {
            switch (pref) {
                case "UNSPECIFIED", "MINIMIZE_LATENCY" -> { }
                case "HIGHER_CONSISTENCY" -> full = true;
                default -> throw new InvalidInputException("consistency must be MINIMIZE_LATENCY or HIGHER_CONSISTENCY");
            }
        }
        if (full) {
            return Consistency.FULL;
        }
        return token == null || token.isEmpty() ? Consistency.MINIMIZE_LATENCY
                : new Consistency(false, Consistency.parseToken(token));
    }

    static ObjectNode key(Tuple t) {
        ObjectNode k = ModelParser.JSON.createObjectNode();
        k.put("object", t.object());
        k.put("relation", t.relation());
        k.put("user", t.user());
        if (t.conditionName() != null) {
            ObjectNode c = k.putObject("condition");
            c.put("name", t.conditionName());
            if (t.context() != null) {
                c.set("context", t.context());
            }
        }
        return k;
    }

    static ObjectNode store(StoreInfo s) {
        ObjectNode n = ModelParser.JSON.createObjectNode();
        n.put("id", s.id());
        n.put("name", s.name());
        n.put("created_at", time(s.createdAt()));
        n.put("updated_at", time(s.updatedAt()));
        return n;
    }

    static String time(Instant i) {
        return i.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static ObjectNode user(UserRef u) {
        ObjectNode n = ModelParser.JSON.createObjectNode();
        if (u.wildcard()) {
            n.putObject("wildcard").put("type", u.type());
        } else if (u.userset()) {
            ObjectNode s = n.putObject("userset");
            s.put("type", u.type());
            s.put("id", u.id());
            s.put("relation", u.relation());
        } else {
            ObjectNode o = n.putObject("object");
            o.put("type", u.type());
            o.put("id", u.id());
        }
        return n;
    }

    static ArrayNode array() {
        return ModelParser.JSON.createArrayNode();
    }

    static ObjectNode object() {
        return ModelParser.JSON.createObjectNode();
    }

    static int pageSize(String raw, int max) {
        if (raw == null || raw.isEmpty()) {
            return max == 100 ? 50 : max;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v < 1 || v > max) {
                throw new InvalidInputException("page_size must be between 1 and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("page_size must be an integer");
        }
    }

    static int offsetToken(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        if (!token.startsWith("o") || token.length() > 11) {
            throw new InvalidInputException("invalid continuation_token");
        }
        try {
            int v = Integer.parseInt(token.substring(1));
            if (v < 0) {
                throw new InvalidInputException("invalid continuation_token");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("invalid continuation_token");
        }
    }
}
