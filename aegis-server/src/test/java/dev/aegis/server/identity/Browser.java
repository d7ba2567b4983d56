package dev.aegis.server.identity;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal browser on the JDK HTTP client for the login, consent and device pages: keeps cookies (by hand,
 * because the JDK's CookieManager never returns {@code Secure} cookies over plain http, which the tests use),
 * submits forms with their hidden fields, and does not follow redirects.
 */
final class Browser {
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    final Map<String, String> cookies = new LinkedHashMap<>();
    final Map<String, String> setCookieLines = new LinkedHashMap<>();

    HttpResponse<String> get(URI uri) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        cookieHeader(b);
        return remember(IdentityServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    HttpResponse<String> post(URI uri, Map<String, String> fields) throws Exception {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        cookieHeader(b);
        return remember(IdentityServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** The hidden fields of the page's form plus the given ones. */
    static Map<String, String> form(String html, String... nameValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            fields.put(unescape(m.group(1)), unescape(m.group(2)));
        }
        for (int i = 0; i < nameValues.length; i += 2) {
            fields.put(nameValues[i], nameValues[i + 1]);
        }
        return fields;
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private void cookieHeader(HttpRequest.Builder b) {
        if (!cookies.isEmpty()) {
            StringBuilder h = new StringBuilder();
            cookies.forEach((k, v) -> h.append(h.isEmpty() ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", h.toString());
        }
    }

    private HttpResponse<String> remember(HttpResponse<String> response) {
        for (String line : response.headers().allValues("Set-Cookie")) {
            String pair = line.substring(0, line.indexOf(';'));
            String name = pair.substring(0, pair.indexOf('='));
            String value = pair.substring(pair.indexOf('=') + 1);
            setCookieLines.put(name, line);
            if (value.isEmpty() || line.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return response;
    }
}
