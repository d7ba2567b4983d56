package dev.aegis.gateway.internal;

/**
 * Normalises a request path before any route matching, so a route's protections cannot be bypassed with
 * another spelling of the same resource (RFC 3986 §6.2.2):
 * <ul>
 *   <li>percent-encoded unreserved characters are decoded ({@code %41} → {@code A}, §2.3);</li>
 *   <li>an encoded slash, backslash, dot or NUL ({@code %2F}, {@code %5C}, {@code %2E}, {@code %00}), a
 *       double-encoded percent ({@code %25}), a raw backslash, control characters and malformed escapes are
 *       refused: upstreams disagree on what they mean;</li>
 *   <li>empty segments ({@code //}) are collapsed; {@code .} and {@code ..} segments are removed (§5.2.4) and
 *       a {@code ..} that would climb above the root is refused.</li>
 * </ul>
 * Hot path: one pass with a StringBuilder, no regex. Stateless; thread-safe.
 */
final class PathNormalizer {

    private PathNormalizer() {
    }

    /**
     * @param raw the raw path of the request target (no query), as sent
     * @return the normalised path (starts with {@code /}), or {@code null} when it must be refused
     */
    static String normalize(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return null;
        }
        StringBuilder decoded = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = hex(raw.charAt(i + 1));
                int lo = hex(raw.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                char d = (char) (hi << 4 | lo);
                if (isUnreserved(d) && d != '.') {
                    decoded.append(d);
                } else if (d == '/' || d == '\\' || d == '.' || d == '%' || d < 0x20 || d == 0x7F) {
                    return null;
                } else {
                    decoded.append('%').append(Character.toUpperCase(raw.charAt(i + 1)))
                            .append(Character.toUpperCase(raw.charAt(i + 2)));
                }
                i += 2;
            } else if (c == '\\' || c < 0x21 || c > 0x7E || c == '#' || c == '?') {
                return null;
            } else {
                decoded.append(c);
            }
        }
        return removeDotSegments(decoded);
    }

    private static String removeDotSegments(StringBuilder in) {
        StringBuilder out = new StringBuilder(in.length());
        int n = in.length();
        int i = 0;
        while (i < n) {
            while (i < n && in.charAt(i) == '/') {
                i++; // leading or repeated slashes: one separator
            }
            int start = i;
            while (i < n && in.charAt(i) != '/') {
                i++;
            }
            int len = i - start;
            if (len == 0) {
                break;
            }
            if (len == 1 && in.charAt(start) == '.') {
                continue;
            }
            if (len == 2 && in.charAt(start) == '.' && in.charAt(start + 1) == '.') {
                int cut = out.lastIndexOf("/");
                if (cut < 0) {
                    return null; // climbs above the root
                }
                out.setLength(cut);
                continue;
            }
            out.append('/').append(in, start, i);
        }
        boolean trailing = n > 1 && in.charAt(n - 1) == '/';
        if (out.isEmpty()) {
            return "/";
        }
        if (trailing) {
            out.append('/');
        }
        return out.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
