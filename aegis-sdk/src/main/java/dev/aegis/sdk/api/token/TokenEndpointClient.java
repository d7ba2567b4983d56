package dev.aegis.sdk.api.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.aegis.core.api.crypto.SecretBytes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A service's client of the Aegis token endpoint ({@code POST /oauth2/token}, RFC 6749 §3.2) with
 * {@code client_secret_basic} authentication (RFC 6749 §2.3.1):
 * <ul>
 *   <li>{@link #serviceToken(String)}: the client credentials grant (RFC 6749 §4.4), cached until 80 % of its
 *       lifetime has passed, for calls the service makes on its own behalf (and for the event stream);</li>
 *   <li>{@link #exchange}: token exchange (RFC 8693 §2.1) of the caller's token for one scoped to a single
 *       downstream audience, so the next service receives a narrower token naming this service in {@code act} —
 *       the cure for the confused deputy.</li>
 * </ul>
 * Errors of the endpoint (RFC 6749 §5.2) become {@link TokenEndpointException} with the OAuth error code, never
 * with the secret. Thread-safe.
 */
public final class TokenEndpointClient {
    /** RFC 8693 §2.1 {@code grant_type}. */
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** RFC 8693 §3 token type of an access token. */
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final HttpClient http;
    private final URI tokenEndpoint;
    private final String authorization;
    private final Clock clock;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final Map<String, Issued> cached = new java.util.concurrent.ConcurrentHashMap<>();
    /** Exchanged tokens by subject token, audience and scope; bounded (see {@link #exchangeCached}). */
    private final Map<String, Issued> exchanged = new java.util.concurrent.ConcurrentHashMap<>();

    static final int MAX_EXCHANGED = 10_000;

    private record Issued(String accessToken, Instant refreshAt) {
    }

    /**
     * @param tokenEndpoint e.g. {@code https://aegis.internal:8443/oauth2/token}
     * @param clientId      this service's client id
     * @param clientSecret  its secret (kept only inside the Basic credential)
     */
    public TokenEndpointClient(HttpClient http, URI tokenEndpoint, String clientId, SecretBytes clientSecret, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        this.clock = Objects.requireNonNull(clock, "clock");
        byte[] secret = clientSecret.revealCopy();
        try {
            // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined and base64-encoded.
            String pair = form(clientId) + ":" + form(new String(secret, StandardCharsets.UTF_8));
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * @param scope the space-separated scopes to ask for
     * @return a current access token of this service, from the cache while it is fresh
     * @throws TokenEndpointException when the endpoint refuses or cannot be reached
     */
    public String serviceToken(String scope) {
        Issued hit = cached.get(scope);
        if (hit != null && clock.instant().isBefore(hit.refreshAt())) {
            return hit.accessToken();
        }
        refreshLock.lock(); // one request per refresh, not one per waiting caller
        try {
            hit = cached.get(scope);
            if (hit != null && clock.instant().isBefore(hit.refreshAt())) {
                return hit.accessToken();
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "client_credentials");
            form.put("scope", scope);
            Issued issued = request(form);
            cached.put(scope, issued);
            return issued.accessToken();
        } finally {
            refreshLock.unlock();
        }
    }

    /**
     * Exchanges {@code subjectToken} (the token this service received) for a token for {@code audience} only.
     *
     * @param scope the scopes the downstream call needs: a subset of the subject token's
     * @return the exchanged access token
     * @throws TokenEndpointException when the exchange is refused (for example a scope not in the subject token)
     */
    public String exchange(String subjectToken, String audience, String scope) {
        return request(exchangeForm(subjectToken, audience, scope)).accessToken();
    }

    /**
     * {@link #exchange}, reusing the token of an earlier exchange for the same subject token, audience and scope
     * until 80 % of its lifetime: a service that calls the next one for every request of a caller exchanges once
     * per caller token, not once per request. At most {@value #MAX_EXCHANGED} tokens are kept; when full, expired
     * ones are dropped and, if that frees nothing, all of them. The exchanged token never outlives the subject
     * token (RFC 8693 at Aegis), and a revoked subject token is refused by the caller's guard before this runs.
     *
     * @throws TokenEndpointException when the exchange is refused
     */
    public String exchangeCached(String subjectToken, String audience, String scope) {
        String key = audience + ' ' + scope + ' ' + subjectToken;
        Issued hit = exchanged.get(key);
        Instant now = clock.instant();
        if (hit != null && now.isBefore(hit.refreshAt())) {
            return hit.accessToken();
        }
        Map<String, String> form = exchangeForm(subjectToken, audience, scope);
        Issued issued = request(form);
        if (exchanged.size() >= MAX_EXCHANGED) {
            exchanged.values().removeIf(i -> !now.isBefore(i.refreshAt()));
            if (exchanged.size() >= MAX_EXCHANGED) {
                exchanged.clear();
            }
        }
        exchanged.put(key, issued);
        return issued.accessToken();
    }

    private static Map<String, String> exchangeForm(String subjectToken, String audience, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", TOKEN_EXCHANGE);
        form.put("subject_token", Objects.requireNonNull(subjectToken, "subjectToken"));
        form.put("subject_token_type", ACCESS_TOKEN_TYPE);
        form.put("requested_token_type", ACCESS_TOKEN_TYPE);
        form.put("audience", Objects.requireNonNull(audience, "audience"));
        form.put("scope", Objects.requireNonNull(scope, "scope"));
        return form;
    }

    private Issued request(Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(form(k)).append('=').append(form(v)));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            Instant sent = clock.instant();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.body().length > MAX_RESPONSE_BYTES) {
                throw new TokenEndpointException("invalid_response", "token response too large");
            }
            Map<String, Object> json = JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                String error = JSONObjectUtils.getString(json, "error");
                throw new TokenEndpointException(error == null ? "http_" + response.statusCode() : error,
                        "token endpoint refused the request (" + response.statusCode() + ")");
            }
            String token = JSONObjectUtils.getString(json, "access_token");
            if (token == null || token.isEmpty()) {
                throw new TokenEndpointException("invalid_response", "no access_token in the token response");
            }
            long expiresIn = json.get("expires_in") instanceof Number n ? n.longValue() : 60;
            return new Issued(token, sent.plusMillis(expiresIn * 800)); // refresh at 80 % of the lifetime
        } catch (ParseException e) {
            throw new TokenEndpointException("invalid_response", "token response is not JSON");
        } catch (IOException e) {
            throw new TokenEndpointException("unreachable", "token endpoint unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenEndpointException("interrupted", "interrupted while calling the token endpoint");
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "TokenEndpointClient[" + tokenEndpoint + "]"; // never the credential
    }

    /** The token endpoint refused a request or could not be reached. */
    public static final class TokenEndpointException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String error;

        TokenEndpointException(String error, String message) {
            super(message + " [" + error + "]");
            this.error = error;
        }

        /** @return the OAuth error code (RFC 6749 §5.2), e.g. {@code invalid_scope}, or a transport code */
        public String error() {
            return error;
        }
    }
}
