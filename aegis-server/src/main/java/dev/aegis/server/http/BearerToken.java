package dev.aegis.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * The bearer token of a request's {@code Authorization} header (RFC 6750 §2.1) and the challenge that refuses
 * one (RFC 6750 §3): the one parser for every control-plane API that takes a bearer credential.
 */
final class BearerToken {
    private static final String SCHEME = "Bearer ";
    private static final String CHALLENGE = "Bearer realm=\"aegis\"";
    private static final String INVALID_TOKEN_CHALLENGE = CHALLENGE + ", error=\"invalid_token\"";

    private BearerToken() {
    }

    /** The request's bearer token, if its {@code Authorization} header carries one. */
    static Optional<String> of(ServerRequest request) {
        return of(request.headers().first(HeaderNames.AUTHORIZATION));
    }

    /**
     * @param authorization the {@code Authorization} header value, if any
     * @return the token after the scheme name, which is case-insensitive (RFC 7235 §2.1), without surrounding
     *         white space; empty when there is no header or it names another scheme
     */
    static Optional<String> of(Optional<String> authorization) {
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        return Optional.of(authorization.get().substring(SCHEME.length()).strip());
    }

    /**
     * Sets the {@code WWW-Authenticate} challenge of a 401 answer. It names the error only when a credential was
     * presented (RFC 6750 §3.1); the body never says why a credential failed.
     */
    static void challenge(ServerResponse response, boolean credentialPresented) {
        response.header(HeaderNames.WWW_AUTHENTICATE, credentialPresented ? INVALID_TOKEN_CHALLENGE : CHALLENGE);
    }
}
