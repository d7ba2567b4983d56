package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.ConstantTime;
import dev.aegis.core.api.crypto.SecureIds;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The identity provider's cookies (RFC 6265bis): {@code __Host-} prefixed (so only this origin over TLS can set
 * them), {@code Secure}, {@code HttpOnly}, {@code Path=/}. The session cookie is {@code SameSite=Lax} (it must
 * survive the top-level redirect back from a client); the CSRF cookie is {@code SameSite=Strict} and doubles a
 * hidden form field (double-submit), compared in constant time.
 */
final class Cookies {

    static final String SESSION = "__Host-aegis_session";
    static final String CSRF = "__Host-aegis_csrf";

    private Cookies() {
    }

    static Optional<String> read(ServerRequest request, String name) {
        for (String header : request.headers().all(HeaderNames.COOKIE, List::of)) {
            int from = 0;
            while (from < header.length()) {
                int semi = header.indexOf(';', from);
                int end = semi < 0 ? header.length() : semi;
                String pair = header.substring(from, end).strip();
                if (pair.startsWith(name) && pair.length() > name.length() && pair.charAt(name.length()) == '=') {
                    return Optional.of(pair.substring(name.length() + 1));
                }
                from = end + 1;
            }
        }
        return Optional.empty();
    }

    static String session(String value, long maxAgeSeconds) {
        return SESSION + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=" + maxAgeSeconds;
    }

    static String clearSession() {
        return SESSION + "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0";
    }

    /** The CSRF token of this browser, creating (and setting) one when absent. */
    static String csrf(ServerRequest request, List<String> setCookies) {
        Optional<String> existing = read(request, CSRF);
        if (existing.isPresent() && existing.get().length() == 43) {
            return existing.get();
        }
        String token = SecureIds.token(32);
        setCookies.add(CSRF + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=3600");
        return token;
    }

    static boolean csrfValid(ServerRequest request, Form form) {
        Optional<String> cookie = read(request, CSRF);
        return cookie.isPresent() && cookie.get().length() == 43 && ConstantTime.equals(cookie.get(), form.value("csrf"));
    }

    static void apply(ServerResponse response, List<String> setCookies) {
        if (!setCookies.isEmpty()) {
            response.header(HeaderNames.SET_COOKIE, setCookies.toArray(String[]::new));
        }
    }

    static List<String> none() {
        return new ArrayList<>(2);
    }
}
