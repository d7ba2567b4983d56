package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One ACL policy document, parsed: Vault's HCL form
 * <pre>
 *   path "secret/data/app/*" { capabilities = ["read", "list"] }
 * </pre>
 * or the equivalent JSON {@code {"path":{"secret/data/app/*":{"capabilities":["read","list"]}}}}. Only the
 * {@code path} blocks and their {@code capabilities} are interpreted; other attributes inside a block are
 * accepted and ignored, anything else is refused with the line that is wrong.
 *
 * @param name  the policy name
 * @param rules path pattern → capability bit set
 */
record AclPolicy(String name, List<Rule> rules) {
    static final int MAX_DOCUMENT = 65536;

    AclPolicy {
        rules = List.copyOf(rules);
    }

    /** One {@code path} block: a pattern (exact, {@code *} suffix glob, {@code +} segment wildcards). */
    record Rule(String pattern, int capabilities) {
    }

    static AclPolicy parse(String name, String document) {
        if (document.length() > MAX_DOCUMENT) {
            throw VaultError.badRequest("policy document is too large");
        }
        String trimmed = document.strip();
        if (trimmed.startsWith("{")) {
            return parseJson(name, trimmed);
        }
        return new AclPolicy(name, new HclReader(document).rules());
    }

    private static AclPolicy parseJson(String name, String document) {
        JsonNode root;
        try {
            root = VaultJson.MAPPER.readTree(document);
        } catch (IOException e) {
            throw VaultError.badRequest("failed to parse policy: invalid JSON");
        }
        List<Rule> rules = new ArrayList<>();
        JsonNode paths = root.get("path");
        if (paths == null || !paths.isObject()) {
            throw VaultError.badRequest("failed to parse policy: a JSON policy needs a \"path\" object");
        }
        for (Map.Entry<String, JsonNode> e : paths.properties()) {
            JsonNode caps = e.getValue().get("capabilities");
            if (caps == null || !caps.isArray()) {
                throw VaultError.badRequest("failed to parse policy: path \"" + e.getKey() + "\" has no capabilities");
            }
            int bits = 0;
            for (JsonNode c : caps) {
                bits |= Capability.bit(Capability.parse(c.asText()));
            }
            rules.add(new Rule(checkPattern(e.getKey()), bits));
        }
        return new AclPolicy(name, rules);
    }

    static String checkPattern(String p) {
        String s = p.startsWith("/") ? p.substring(1) : p;
        int star = s.indexOf('*');
        if (star >= 0 && star != s.length() - 1) {
            throw VaultError.badRequest("failed to parse policy: '*' is only allowed at the end of a path");
        }
        return s;
    }

    /** A small tokenizer for the HCL subset of policies: strings, identifiers, {@code = [ ] { } ,}, comments. */
    private static final class HclReader {
        private final String s;
        private int i;
        private int line = 1;

        HclReader(String s) {
            this.s = s;
        }

        List<Rule> rules() {
            List<Rule> rules = new ArrayList<>();
            for (String t = next(); t != null; t = next()) {
                if (!"path".equals(t)) {
                    throw error("expected 'path', found '" + t + "'");
                }
                String pattern = string();
                expect("{");
                int bits = -1;
                for (String k = next(); !"}".equals(k); k = next()) {
                    if (k == null) {
                        throw error("unterminated path block");
                    }
                    expect("=");
                    if ("capabilities".equals(k)) {
                        bits = capabilities();
                    } else {
                        skipValue();
                    }
                }
                if (bits < 0) {
                    throw error("path \"" + pattern + "\" has no capabilities");
                }
                rules.add(new Rule(checkPattern(pattern), bits));
            }
            return rules;
        }

        private int capabilities() {
            expect("[");
            int bits = 0;
            for (String t = next(); !"]".equals(t); t = next()) {
                if (t == null) {
                    throw error("unterminated list");
                }
                if (",".equals(t)) {
                    continue;
                }
                if (!t.startsWith("\"")) {
                    throw error("capabilities must be strings");
                }
                bits |= Capability.bit(Capability.parse(t.substring(1)));
            }
            return bits;
        }

        private void skipValue() {
            String t = next();
            if ("[".equals(t) || "{".equals(t)) {
                String close = "[".equals(t) ? "]" : "}";
                int depth = 1;
                while (depth > 0) {
                    String u = next();
                    if (u == null) {
                        throw error("unterminated value");
                    }
                    if (u.equals(t)) {
                        depth++;
                    } else if (u.equals(close)) {
                        depth--;
                    }
                }
            } else if (t == null) {
                throw error("missing value");
            }
        }

        private String string() {
            String t = next();
            if (t == null || !t.startsWith("\"")) {
                throw error("expected a quoted path");
            }
            return t.substring(1);
        }

        private void expect(String want) {
            String t = next();
            if (!want.equals(t)) {
                throw error("expected '" + want + "'");
            }
        }

        /** @return the next token; strings are returned with a leading {@code "} and no closing quote */
        private String next() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#' || (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/')) {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else {
                    break;
                }
            }
            if (i >= s.length()) {
                return null;
            }
            char c = s.charAt(i);
            if ("={}[],".indexOf(c) >= 0) {
                i++;
                return String.valueOf(c);
            }
            if (c == '"') {
                StringBuilder b = new StringBuilder("\"");
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\n') {
                        throw error("unterminated string");
                    }
                    b.append(s.charAt(i++));
                }
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                i++;
                return b.toString();
            }
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
                    || s.charAt(i) == '-')) {
                i++;
            }
            if (start == i) {
                throw error("unexpected character '" + c + "'");
            }
            return s.substring(start, i);
        }

        private VaultError error(String message) {
            return VaultError.badRequest("failed to parse policy: line " + line + ": " + message);
        }
    }
}
