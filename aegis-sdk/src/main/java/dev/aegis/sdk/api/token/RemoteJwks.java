package dev.aegis.sdk.api.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.VerificationKey;
import dev.aegis.core.api.keys.VerificationKeySource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of an issuer, fetched from its JWKS endpoint (RFC 7517 §5, e.g. Aegis's
 * {@code /.well-known/jwks.json}) and kept as an immutable snapshot that verification reads without locking.
 *
 * <p>Refresh: when the snapshot is older than the endpoint's {@code Cache-Control: max-age} (bounded to
 * 30 s..1 h), the next lookup refreshes it in the background; a token naming an unknown {@code kid} triggers a
 * synchronous refresh at most once per {@value #UNKNOWN_KID_REFRESH_SECONDS} s, so a flood of tokens with made-up
 * key ids cannot turn into a flood of JWKS requests. A failed fetch keeps the old snapshot. Keys whose JWK is
 * unusable (no {@code kid}/{@code alg}, private or symmetric material, an algorithm Aegis does not verify) are
 * skipped, never trusted. Thread-safe.
 */
public final class RemoteJwks implements VerificationKeySource {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);
    static final long UNKNOWN_KID_REFRESH_SECONDS = 10;
    private static final Duration MIN_MAX_AGE = Duration.ofSeconds(30);
    private static final Duration MAX_MAX_AGE = Duration.ofHours(1);
    private static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    private static final int MAX_JWKS_BYTES = 256 * 1024;

    private final HttpClient http;
    /** Null until OpenID Connect Discovery named it (sources made by {@link #discover}). */
    private volatile URI jwksUri;
    private final String discoveryIssuer;
    private final URI discoveryUri;
    private final long unknownKidIntervalNanos;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), 0, DEFAULT_MAX_AGE);
    private volatile long lastUnknownKidRefresh;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong fetches = new java.util.concurrent.atomic.AtomicLong();

    private record Snapshot(Map<KeyId, VerificationKey> keys, long fetchedAtNanos, Duration maxAge) {
    }

    /**
     * Creates the source and fetches the keys once.
     *
     * @throws IllegalStateException when the first fetch fails (a service must not start unable to verify)
     */
    public static RemoteJwks fetch(HttpClient http, URI jwksUri) {
        RemoteJwks jwks = new RemoteJwks(http, jwksUri);
        if (!jwks.refresh()) {
            throw new IllegalStateException("cannot fetch the JWKS from " + jwksUri);
        }
        return jwks;
    }

    private RemoteJwks(HttpClient http, URI jwksUri) {
        this(http, Objects.requireNonNull(jwksUri, "jwksUri"), null, null, Duration.ofSeconds(UNKNOWN_KID_REFRESH_SECONDS));
    }

    private RemoteJwks(HttpClient http, URI jwksUri, String issuer, URI discovery, Duration unknownKidInterval) {
        this.http = Objects.requireNonNull(http, "http");
        this.jwksUri = jwksUri;
        this.discoveryIssuer = issuer;
        this.discoveryUri = discovery;
        this.unknownKidIntervalNanos = unknownKidInterval.toNanos();
        this.lastUnknownKidRefresh = System.nanoTime() - unknownKidIntervalNanos; // the first unknown kid may fetch
    }

    /**
     * A source that does not fetch yet and never throws: for a gateway that must start while an external issuer
     * is down. Call {@link #refresh()} to load it ahead of the first token.
     *
     * @param unknownKidInterval the shortest time between two fetches caused by unknown {@code kid}s
     */
    public static RemoteJwks lazy(HttpClient http, URI jwksUri, Duration unknownKidInterval) {
        return new RemoteJwks(http, Objects.requireNonNull(jwksUri, "jwksUri"), null, null, unknownKidInterval);
    }

    /**
     * A lazy source whose JWKS URI comes from the issuer's OpenID Connect Discovery document (OIDC Discovery 1.0
     * §4), fetched on the first refresh: the document's {@code issuer} must equal {@code issuer} (§4.3) and its
     * {@code jwks_uri} be http(s), or no key is loaded.
     */
    public static RemoteJwks discover(HttpClient http, String issuer, URI discovery, Duration unknownKidInterval) {
        return new RemoteJwks(http, null, Objects.requireNonNull(issuer, "issuer"),
                Objects.requireNonNull(discovery, "discovery"), unknownKidInterval);
    }

    /** @return how many fetches were attempted (an operator, or a test, can see the unknown-kid rate limit) */
    public long fetches() {
        return fetches.get();
    }

    @Override
    public Optional<VerificationKey> find(KeyId kid) {
        Snapshot s = snapshot;
        VerificationKey key = s.keys().get(kid);
        if (System.nanoTime() - s.fetchedAtNanos() > s.maxAge().toNanos() && refreshing.compareAndSet(false, true)) {
            Thread.ofVirtual().start(() -> { // stale: serve what we have, refresh behind
                try {
                    refresh();
                } finally {
                    refreshing.set(false);
                }
            });
        }
        if (key != null) {
            return Optional.of(key);
        }
        long now = System.nanoTime();
        if (now - lastUnknownKidRefresh < unknownKidIntervalNanos) {
            return Optional.empty();
        }
        lastUnknownKidRefresh = now;
        refresh();
        return Optional.ofNullable(snapshot.keys().get(kid));
    }

    /** @return how many keys the snapshot holds */
    public int size() {
        return snapshot.keys().size();
    }

    /**
     * Fetches the JWKS now (one fetch at a time).
     *
     * @return whether the fetch succeeded
     */
    public boolean refresh() {
        if (!fetchLock.tryLock()) {
            return true; // another thread is fetching; its result will do
        }
        try {
            fetches.incrementAndGet();
            URI uri = jwksUri != null ? jwksUri : (jwksUri = discoverJwksUri());
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .header("Accept", "application/jwk-set+json, application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 || response.body().length > MAX_JWKS_BYTES) {
                LOG.atWarn().addKeyValue("status", response.statusCode()).addKeyValue("jwks", uri.toString())
                        .log("JWKS fetch refused or oversized; keeping the previous keys");
                retryLater();
                return false;
            }
            Map<KeyId, VerificationKey> keys = parse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            snapshot = new Snapshot(Map.copyOf(keys), System.nanoTime(),
                    maxAge(response.headers().firstValue("Cache-Control").orElse("")));
            return true;
        } catch (IOException | ParseException | IllegalArgumentException e) {
            LOG.atWarn().addKeyValue("jwks", String.valueOf(jwksUri != null ? jwksUri : discoveryUri))
                    .addKeyValue("error", e.toString())
                    .log("JWKS fetch failed; keeping the previous keys");
            retryLater();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            fetchLock.unlock();
        }
    }

    private URI discoverJwksUri() throws IOException, InterruptedException, ParseException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(discoveryUri).timeout(Duration.ofSeconds(5))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200 || response.body().length > MAX_JWKS_BYTES) {
            throw new IOException("discovery document refused (HTTP " + response.statusCode() + ") or oversized");
        }
        Map<String, Object> metadata = com.nimbusds.jose.util.JSONObjectUtils.parse(
                new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        if (!discoveryIssuer.equals(metadata.get("issuer"))) {
            // OIDC Discovery §4.3: a document naming another issuer is not this issuer's.
            throw new IOException("discovery issuer does not match the configured issuer");
        }
        if (!(metadata.get("jwks_uri") instanceof String jwks)) {
            throw new IOException("discovery document has no jwks_uri");
        }
        URI uri = URI.create(jwks);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IOException("jwks_uri is not http(s)");
        }
        return uri;
    }

    /** Keeps the keys, and tries again after the shortest max-age rather than on every lookup. */
    private void retryLater() {
        snapshot = new Snapshot(snapshot.keys(), System.nanoTime(), MIN_MAX_AGE);
    }

    static Map<KeyId, VerificationKey> parse(String json) throws ParseException {
        Map<KeyId, VerificationKey> keys = new HashMap<>();
        for (JWK jwk : JWKSet.parse(json).getKeys()) {
            try {
                VerificationKey key = VerificationKey.fromJwk(jwk.toJSONString());
                keys.put(key.keyId(), key);
            } catch (IllegalArgumentException e) {
                LOG.atDebug().addKeyValue("kid", String.valueOf(jwk.getKeyID())).addKeyValue("reason", e.getMessage())
                        .log("JWKS entry skipped");
            }
        }
        return keys;
    }

    static Duration maxAge(String cacheControl) {
        int at = cacheControl.indexOf("max-age=");
        if (at < 0) {
            return DEFAULT_MAX_AGE;
        }
        int end = at + 8;
        while (end < cacheControl.length() && Character.isDigit(cacheControl.charAt(end))) {
            end++;
        }
        try {
            Duration d = Duration.ofSeconds(Long.parseLong(cacheControl.substring(at + 8, end)));
            return d.compareTo(MIN_MAX_AGE) < 0 ? MIN_MAX_AGE : d.compareTo(MAX_MAX_AGE) > 0 ? MAX_MAX_AGE : d;
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_AGE;
        }
    }
}
