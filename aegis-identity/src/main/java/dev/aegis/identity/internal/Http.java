package dev.aegis.identity.internal;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Request and response plumbing shared by the identity endpoints. */
public final class Http {

    /** Largest form body the OAuth endpoints read (a token request is well under 16 KiB). */
    public static final int MAX_FORM_BYTES = 64 * 1024;
    public static final HeaderName DPOP = HeaderNames.create("DPoP");
    public static final HeaderName DPOP_NONCE = HeaderNames.create("DPoP-Nonce");
    static final String JSON = "application/json";
    static final String FORM = "application/x-www-form-urlencoded";

    private Http() {
    }

    /** The body as text, or empty when it exceeds {@code max} bytes (nothing more is read). */
    public static Optional<String> body(ServerRequest request, int max) {
        Optional<Long> declared = request.headers().contentLength().isPresent()
                ? Optional.of(request.headers().contentLength().getAsLong()) : Optional.empty();
        if (declared.isPresent() && declared.get() > max) {
            return Optional.empty();
        }
        if (!request.content().hasEntity()) {
            return Optional.of("");
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                return Optional.empty();
            }
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether the request declares a form body (RFC 6749 §3.2 requires it at the token endpoint) */
    public static boolean isForm(ServerRequest request) {
        return request.headers().contentType().map(t -> t.mediaType().text().equalsIgnoreCase(FORM)).orElse(false);
    }

    /** @return whether the request declares a JSON body */
    public static boolean isJson(ServerRequest request) {
        return request.headers().contentType().map(t -> t.mediaType().text().equalsIgnoreCase(JSON)).orElse(false);
    }

    /** Sends JSON with {@code Cache-Control: no-store} (RFC 6749 §5.1). */
    public static void json(ServerResponse response, int status, String body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.header(HeaderNames.PRAGMA, "no-cache");
        response.send(body);
    }

    /** Sends an RFC 6749 §5.2 error; 401 {@code invalid_client} with a Basic challenge (§5.2). */
    public static void error(ServerResponse response, OAuthError error) {
        if (error.status() == 401 && "invalid_client".equals(error.error())) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"aegis\"");
        }
        json(response, error.status(), error.json());
    }

    /** RFC 6750 §3: a bearer (or DPoP, RFC 9449 §7.1) challenge with an error code. */
    public static void bearerError(ServerResponse response, String scheme, int status, String error, String description) {
        StringBuilder challenge = new StringBuilder(scheme).append(" realm=\"aegis\"");
        if (error != null) {
            challenge.append(", error=\"").append(error).append('"');
        }
        if (scheme.equals("DPoP")) {
            challenge.append(", algs=\"ES256 RS256 PS256\"");
        }
        response.header(HeaderNames.WWW_AUTHENTICATE, challenge.toString());
        json(response, status, error == null ? "{\"error\":\"invalid_request\"}"
                : new OAuthError(status, error, description).json());
    }

    /** @return the client's address as the listener sees it */
    public static String source(ServerRequest request) {
        return request.remotePeer().host();
    }

    /** Sends an HTML page with the strict headers of the login and consent pages. */
    public static void html(ServerResponse response, int status, String html) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.header(HeaderNames.create("Content-Security-Policy"),
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        response.send(html);
    }

    /** Redirects with 303 (after POST) or 302. */
    public static void redirect(ServerResponse response, String location, boolean afterPost) {
        response.status(afterPost ? Status.SEE_OTHER_303 : Status.FOUND_302);
        response.header(HeaderNames.LOCATION, location);
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send();
    }

    /** RFC 6749 §3.2: a form body, bounded; answers the error itself and returns null when there is none. */
    public static Form form(ServerRequest request, ServerResponse response) {
        if (!isForm(request)) {
            body(request, MAX_FORM_BYTES); // drain it, so the connection stays usable
            error(response, OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded."));
            return null;
        }
        Optional<String> body = body(request, MAX_FORM_BYTES);
        if (body.isEmpty()) {
            error(response, new OAuthError(413, "invalid_request", "The request is too large."));
            return null;
        }
        return switch (Form.parse(body.get())) {
            case Form.Refused r -> {
                error(response, OAuthError.invalidRequest("Malformed request: " + r.reason() + "."));
                yield null;
            }
            case Form.Ok ok -> ok.form();
        };
    }
}
