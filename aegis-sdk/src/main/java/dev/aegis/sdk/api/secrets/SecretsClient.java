package dev.aegis.sdk.api.secrets;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.aegis.core.api.crypto.SecretBytes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads secrets from the Aegis secrets manager (Vault's KV version 2 API under {@code /v1/}), so a service gets
 * its database password or third-party key at run time, not from a config file or an environment variable.
 *
 * <ul>
 *   <li>{@link #kv(String, String)} returns the current version's key/value map, cached for the configured time
 *       (a write elsewhere is seen after at most that long; {@link #invalidate} drops an entry at once, e.g. on a
 *       {@code secret.changed} event from the {@code EventFeed});</li>
 *   <li>{@link #renewTokenIfDue()} renews the client's token ({@code auth/token/renew-self}) once half its TTL
 *       has passed, so a long-running service keeps its access without holding a non-expiring token.</li>
 * </ul>
 * Values are returned as {@link SecretBytes} (redacted {@code toString}); the token is never logged or put in an
 * exception. Thread-safe.
 */
public final class SecretsClient {
    private static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    private final HttpClient http;
    private final URI base;
    private final Duration cacheFor;
    private final Clock clock;
    private final AtomicReference<Token> token;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Token(String value, Instant renewAt) {
    }

    private record Cached(Map<String, SecretBytes> values, long version, Instant until) {
    }

    /**
     * @param baseUri  the control plane, e.g. {@code https://aegis.internal:8443}
     * @param token    the Vault-style client token ({@code hvs.…}, e.g. from an AppRole login)
     * @param cacheFor how long a read value is served from memory
     */
    public SecretsClient(HttpClient http, URI baseUri, SecretBytes token, Duration cacheFor, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.base = Objects.requireNonNull(baseUri, "baseUri");
        this.cacheFor = Objects.requireNonNull(cacheFor, "cacheFor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.token = new AtomicReference<>(new Token(new String(token.revealCopy(), StandardCharsets.UTF_8), Instant.MAX));
    }

    /**
     * The current version of a KV v2 secret.
     *
     * @param mount the KV v2 mount, e.g. {@code secret}
     * @param path  the secret's path, e.g. {@code app/db}
     * @return its key/value pairs
     * @throws SecretsException when the secret does not exist, the token may not read it, or the server fails
     */
    public Map<String, SecretBytes> kv(String mount, String path) {
        String key = mount + "/" + path;
        Cached hit = cache.get(key);
        if (hit != null && clock.instant().isBefore(hit.until())) {
            return hit.values();
        }
        Map<String, Object> json = call("GET", mount + "/data/" + path, null);
        Map<String, Object> data = object(json, "data");
        Map<String, Object> values = object(data, "data");
        Map<String, Object> metadata = object(data, "metadata");
        Map<String, SecretBytes> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k, SecretBytes.copyOf(String.valueOf(v).getBytes(StandardCharsets.UTF_8))));
        long version = metadata.get("version") instanceof Number n ? n.longValue() : 0;
        Map<String, SecretBytes> result = Map.copyOf(out);
        cache.put(key, new Cached(result, version, clock.instant().plus(cacheFor)));
        return result;
    }

    /** Drops a cached secret (for example when the event stream announces a new version). */
    public void invalidate(String mount, String path) {
        cache.remove(mount + "/" + path);
    }

    /**
     * Renews the token when half of its TTL has passed (the first call looks the TTL up).
     *
     * @return whether a renewal was made
     */
    public boolean renewTokenIfDue() {
        Token current = token.get();
        if (current.renewAt() != Instant.MAX && clock.instant().isBefore(current.renewAt())) {
            return false;
        }
        Map<String, Object> auth = object(call("POST", "auth/token/renew-self", "{}"), "auth");
        long ttl = auth.get("lease_duration") instanceof Number n ? n.longValue() : 0;
        Instant renewAt = ttl <= 0 ? Instant.MAX.minusSeconds(1) : clock.instant().plusSeconds(Math.max(1, ttl / 2));
        token.set(new Token(current.value(), renewAt));
        return true;
    }

    private Map<String, Object> call(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/" + path)).timeout(Duration.ofSeconds(10))
                .header("X-Vault-Token", token.get().value())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.body().length > MAX_RESPONSE_BYTES) {
                throw new SecretsException(response.statusCode(), "response too large");
            }
            if (response.statusCode() != 200) {
                throw new SecretsException(response.statusCode(), switch (response.statusCode()) {
                    case 403 -> "permission denied";
                    case 404 -> "no such secret";
                    case 503 -> "the secrets manager is sealed or unavailable";
                    default -> "refused";
                });
            }
            return JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new SecretsException(0, "response is not JSON");
        } catch (IOException e) {
            throw new SecretsException(0, "secrets manager unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SecretsException(0, "interrupted");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> json, String name) {
        Object v = json.get(name);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new SecretsException(0, "response has no '" + name + "' object");
    }

    @Override
    public String toString() {
        return "SecretsClient[" + base + "]"; // never the token
    }

    /** The secrets manager refused a request or could not be reached; never carries a secret or the token. */
    public static final class SecretsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        SecretsException(int status, String message) {
            super(message + (status > 0 ? " (HTTP " + status + ")" : ""));
            this.status = status;
        }

        /** @return the HTTP status, 0 when there was no answer */
        public int status() {
            return status;
        }
    }
}
