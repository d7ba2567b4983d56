package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.primitives.UnsignedLong;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The declared type of a condition parameter (OpenFGA {@code TYPE_NAME_*}), its CEL type and the conversion of
 * a JSON context value into the CEL runtime value. Immutable.
 *
 * @param name    the OpenFGA type name without prefix ({@code INT}, {@code LIST}, ...)
 * @param element the generic element type of {@code LIST} and {@code MAP}, else {@code null}
 */
public record ConditionParamType(String name, ConditionParamType element) {
    private static final String PREFIX = "TYPE_NAME_";

    public ConditionParamType {
        Objects.requireNonNull(name, "name");
    }

    /** Reads {@code {"type_name":"TYPE_NAME_LIST","generic_types":[{"type_name":"TYPE_NAME_STRING"}]}}. */
    static ConditionParamType parse(JsonNode node, String where) {
        String typeName = node.path("type_name").asText("");
        if (!typeName.startsWith(PREFIX)) {
            throw new ModelException(where + ": type_name must be one of TYPE_NAME_BOOL, TYPE_NAME_STRING, TYPE_NAME_INT, "
                    + "TYPE_NAME_UINT, TYPE_NAME_DOUBLE, TYPE_NAME_DURATION, TYPE_NAME_TIMESTAMP, TYPE_NAME_LIST, "
                    + "TYPE_NAME_MAP, TYPE_NAME_ANY, got '" + typeName + "'");
        }
        String name = typeName.substring(PREFIX.length());
        switch (name) {
            case "BOOL", "STRING", "INT", "UINT", "DOUBLE", "DURATION", "TIMESTAMP", "ANY" -> {
                return new ConditionParamType(name, null);
            }
            case "LIST", "MAP" -> {
                JsonNode generic = node.path("generic_types");
                if (!generic.isArray() || generic.size() != 1) {
                    throw new ModelException(where + ": " + typeName + " needs exactly one generic type");
                }
                return new ConditionParamType(name, parse(generic.get(0), where));
            }
            case "IPADDRESS" -> throw new ModelException(where + ": the ipaddress parameter type is not supported by Aegis");
            default -> throw new ModelException(where + ": unknown parameter type '" + typeName + "'");
        }
    }

    CelType celType() {
        return switch (name) {
            case "BOOL" -> SimpleType.BOOL;
            case "STRING" -> SimpleType.STRING;
            case "INT" -> SimpleType.INT;
            case "UINT" -> SimpleType.UINT;
            case "DOUBLE" -> SimpleType.DOUBLE;
            case "DURATION" -> SimpleType.DURATION;
            case "TIMESTAMP" -> SimpleType.TIMESTAMP;
            case "LIST" -> ListType.create(element.celType());
            case "MAP" -> MapType.create(SimpleType.STRING, element.celType());
            default -> SimpleType.DYN;
        };
    }

    /**
     * Converts a JSON value to this type's CEL runtime value.
     *
     * @throws IllegalArgumentException naming the expected type
     */
    Object convert(JsonNode value) {
        switch (name) {
            case "BOOL" -> {
                require(value.isBoolean(), "a boolean");
                return value.booleanValue();
            }
            case "STRING" -> {
                require(value.isTextual(), "a string");
                return value.textValue();
            }
            case "INT" -> {
                require(value.isIntegralNumber() && value.canConvertToLong()
                        || value.isTextual() && isLong(value.textValue()), "an integer");
                return value.isTextual() ? Long.parseLong(value.textValue()) : value.longValue();
            }
            case "UINT" -> {
                require(value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0, "an unsigned integer");
                return UnsignedLong.valueOf(value.longValue());
            }
            case "DOUBLE" -> {
                require(value.isNumber(), "a number");
                return value.doubleValue();
            }
            case "DURATION" -> {
                require(value.isTextual(), "a duration string such as \"1h30m\"");
                return GoDuration.parse(value.textValue());
            }
            case "TIMESTAMP" -> {
                require(value.isTextual(), "an RFC 3339 timestamp string");
                try {
                    Instant instant = Instant.parse(value.textValue());
                    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("an RFC 3339 timestamp such as \"2026-01-01T00:00:00Z\"");
                }
            }
            case "LIST" -> {
                require(value.isArray(), "a list");
                List<Object> out = new ArrayList<>(value.size());
                for (JsonNode item : value) {
                    out.add(element.convert(item));
                }
                return out;
            }
            case "MAP" -> {
                require(value.isObject(), "a map");
                Map<String, Object> out = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    out.put(e.getKey(), element.convert(e.getValue()));
                }
                return out;
            }
            default -> {
                return dynamic(value);
            }
        }
    }

    private static Object dynamic(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isArray()) {
            List<Object> out = new ArrayList<>();
            for (JsonNode item : value) {
                out.add(dynamic(item));
            }
            return out;
        }
        if (value.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            value.properties().forEach(e -> out.put(e.getKey(), dynamic(e.getValue())));
            return out;
        }
        return value.asText();
    }

    private static boolean isLong(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void require(boolean ok, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(expected);
        }
    }

    @Override
    public String toString() {
        return element == null ? name.toLowerCase(java.util.Locale.ROOT)
                : name.toLowerCase(java.util.Locale.ROOT) + "<" + element + ">";
    }

    /** Go's duration syntax, as OpenFGA accepts it: {@code 300ms}, {@code 1.5h}, {@code 2h45m}. */
    static final class GoDuration {
        private GoDuration() {
        }

        static Duration parse(String s) {
            if (s.isEmpty() || s.length() > 64) {
                throw new IllegalArgumentException("a duration such as \"1h30m\"");
            }
            boolean negative = s.charAt(0) == '-';
            int i = negative || s.charAt(0) == '+' ? 1 : 0;
            if ("0".equals(s.substring(i))) {
                return Duration.getDefaultInstance();
            }
            double nanos = 0;
            while (i < s.length()) {
                int start = i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                if (start == i) {
                    throw new IllegalArgumentException("a duration such as \"1h30m\"");
                }
                double number = Double.parseDouble(s.substring(start, i));
                int unitStart = i;
                while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                    i++;
                }
                nanos += number * switch (s.substring(unitStart, i)) {
                    case "ns" -> 1d;
                    case "us", "µs" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    case "h" -> 3600e9;
                    default -> throw new IllegalArgumentException("a duration with unit ns, us, ms, s, m or h");
                };
            }
            long total = (long) (negative ? -nanos : nanos);
            return Duration.newBuilder().setSeconds(total / 1_000_000_000L).setNanos((int) (total % 1_000_000_000L)).build();
        }
    }
}
