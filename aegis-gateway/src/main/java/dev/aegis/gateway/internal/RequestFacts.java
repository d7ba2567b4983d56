package dev.aegis.gateway.internal;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Facts the pipeline reads from a request once: the caller's address (raw bytes for CIDR checks, text for
 * audit and limits), the host it asked for, the header names its {@code Connection} header declares
 * hop-by-hop (RFC 9110 §7.6.1), and audit-safe text. Stateless; thread-safe.
 */
final class RequestFacts {

    private RequestFacts() {
    }

    static Set<String> connectionTokens(ServerRequest req) {
        String c = req.headers().first(HeaderNames.CONNECTION).orElse(null);
        if (c == null) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        for (String t : c.split(",")) {
            out.add(t.strip().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    static String host(ServerRequest req) {
        String a = req.authority();
        if (a == null || a.isEmpty()) {
            return "";
        }
        int colon = a.startsWith("[") ? a.indexOf("]:") + 1 : a.lastIndexOf(':');
        String h = colon > 0 ? a.substring(0, colon) : a;
        return h.length() > 255 ? "" : h.toLowerCase(Locale.ROOT);
    }

    static byte[] peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getAddress();
        }
        return new byte[0];
    }

    static String peerText(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "unknown";
    }

    static String truncate(String s, int max) {
        String clean = s.length() > max ? s.substring(0, max) : s;
        StringBuilder b = null;
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                if (b == null) {
                    b = new StringBuilder(clean);
                }
                b.setCharAt(i, '?');
            }
        }
        return b == null ? clean : b.toString();
    }
}
