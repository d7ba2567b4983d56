package dev.aegis.identity.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an {@code application/x-www-form-urlencoded} body or a query string (RFC 6749 §3.1, §3.2,
 * Appendix B). Parameters sent without a value are treated as omitted; a parameter sent twice is an error
 * (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once").
 *
 * <p>Immutable and thread-safe once parsed. Names and values are bounded: at most {@value #MAX_PARAMETERS}
 * parameters of at most {@value #MAX_VALUE_CHARS} characters each.
 */
public final class Form {

    static final int MAX_PARAMETERS = 64;
    static final int MAX_VALUE_CHARS = 16 * 1024;

    private final Map<String, String> values;

    private Form(Map<String, String> values) {
        this.values = values;
    }

    /** The outcome of parsing: a form, or the reason it was refused. */
    public sealed interface Parsed permits Ok, Refused {
    }

    /** @param form the parameters */
    public record Ok(Form form) implements Parsed {
    }

    /** @param reason a client-safe description (never echoes the input) */
    public record Refused(String reason) implements Parsed {
    }

    /**
     * @param encoded the raw body or query string, may be empty
     * @return the parameters, or why they were refused
     */
    public static Parsed parse(String encoded) {
        Map<String, String> values = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return new Ok(new Form(Map.of()));
        }
        int start = 0;
        int count = 0;
        int n = encoded.length();
        while (start <= n) {
            int amp = encoded.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            if (end > start) {
                if (++count > MAX_PARAMETERS) {
                    return new Refused("too many parameters");
                }
                int eq = encoded.indexOf('=', start);
                String name;
                String value;
                try {
                    if (eq < 0 || eq > end) {
                        name = decode(encoded.substring(start, end));
                        value = "";
                    } else {
                        name = decode(encoded.substring(start, eq));
                        value = decode(encoded.substring(eq + 1, end));
                    }
                } catch (IllegalArgumentException e) {
                    return new Refused("malformed percent-encoding");
                }
                if (value.length() > MAX_VALUE_CHARS || name.length() > 128) {
                    return new Refused("parameter too long");
                }
                if (values.containsKey(name)) {
                    return new Refused("parameter included more than once (RFC 6749 §3.1)");
                }
                values.put(name, value);
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return new Ok(new Form(Map.copyOf(values)));
    }

    private static String decode(String s) {
        return s.indexOf('%') < 0 && s.indexOf('+') < 0 ? s : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * @param name a parameter name
     * @return its value; empty when absent or sent without a value (RFC 6749 §3.1)
     */
    public Optional<String> get(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /**
     * @param name a parameter name
     * @return the value or {@code null} when absent or empty; for hot paths
     */
    public String value(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** @return parameter names only (values may be secret) */
    @Override
    public String toString() {
        return "Form" + values.keySet();
    }
}
