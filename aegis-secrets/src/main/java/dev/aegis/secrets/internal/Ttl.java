package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * Vault's duration parameters: an integer number of seconds, or a string such as {@code "90"}, {@code "30s"},
 * {@code "15m"}, {@code "1h30m"}, {@code "7d"}.
 */
final class Ttl {
    private static final long MAX_SECONDS = 100L * 365 * 24 * 3600;

    private Ttl() {
    }

    static Duration field(ObjectNode body, String field, Duration fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            return fallback;
        }
        if (n.isIntegralNumber()) {
            return seconds(field, n.asLong());
        }
        if (n.isTextual()) {
            return parse(field, n.asText().strip());
        }
        throw VaultError.badRequest("field " + field + " must be a duration");
    }

    static Duration parse(String field, String s) {
        long total = 0;
        long number = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                number = (number < 0 ? 0 : number) * 10 + (c - '0');
                if (number > MAX_SECONDS) {
                    throw VaultError.badRequest("field " + field + " is too large");
                }
                continue;
            }
            if (number < 0) {
                throw VaultError.badRequest("field " + field + " is not a valid duration");
            }
            long unit = switch (c) {
                case 's' -> 1;
                case 'm' -> 60;
                case 'h' -> 3600;
                case 'd' -> 86400;
                default -> throw VaultError.badRequest("field " + field + " is not a valid duration");
            };
            total += number * unit;
            number = -1;
        }
        if (number >= 0) {
            total += number;
        }
        if (s.isEmpty()) {
            throw VaultError.badRequest("field " + field + " is not a valid duration");
        }
        return seconds(field, total);
    }

    private static Duration seconds(String field, long s) {
        if (s < 0 || s > MAX_SECONDS) {
            throw VaultError.badRequest("field " + field + " is out of range");
        }
        return Duration.ofSeconds(s);
    }

    static String format(Duration d) {
        return d.toSeconds() + "s";
    }
}
