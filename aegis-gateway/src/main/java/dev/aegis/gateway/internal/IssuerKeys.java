package dev.aegis.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.VerificationKey;
import dev.aegis.core.api.keys.VerificationKeySource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of one token issuer, from OpenID Connect Discovery (OIDC Discovery 1.0 §4: the metadata's
 * {@code issuer} must equal the configured one, §4.3) and its {@code jwks_uri} (RFC 7517 §5), kept as an
 * immutable {@code kid → key} snapshot swapped atomically. An unknown {@code kid} triggers one refresh (a key
 * rotated in at the issuer), at most once per {@code refreshMinInterval}, so a flood of tokens with random
 * {@code kid}s cannot turn the gateway into a JWKS amplifier.
 *
 * <p>JWKs that Aegis cannot use for verification (no {@code alg}, {@code use=enc}, symmetric) are skipped and
 * logged. Bodies are bounded (512 KiB). Thread-safe; readers never lock.
 */
final class IssuerKeys implements VerificationKeySource {

    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 512 * 1024;

    private final GatewayConfig.Issuer config;
    private final HttpClient http;
    private final long minIntervalNanos;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile Map<String, VerificationKey> keys = Map.of();
    private volatile URI jwksUri;
    private long lastAttemptNanos;
    private boolean attempted;
    private volatile long refreshes;

    IssuerKeys(GatewayConfig.Issuer config, HttpClient http) {
        this.config = config;
        this.http = http;
        this.jwksUri = config.jwksUri();
        this.minIntervalNanos = config.refreshMinInterval().toNanos();
    }

    @Override
    public Optional<VerificationKey> find(KeyId kid) {
        VerificationKey key = keys.get(kid.value());
        if (key == null && refresh(false)) {
            key = keys.get(kid.value());
        }
        return Optional.ofNullable(key);
    }

    /** @return how many fetches were made (for tests: proves the rate limit) */
    long refreshes() {
        return refreshes;
    }

    int size() {
        return keys.size();
    }

    /**
     * Fetches discovery (once) and the JWKS, unless the last attempt is younger than the minimum interval.
     *
     * @param force ignore the interval (start-up)
     * @return whether new keys were loaded
     */
    boolean refresh(boolean force) {
        refreshLock.lock();
        try {
            long now = System.nanoTime();
            if (!force && attempted && now - lastAttemptNanos < minIntervalNanos) {
                return false;
            }
            attempted = true;
            lastAttemptNanos = now;
            refreshes++;
            if (jwksUri == null) {
                jwksUri = discover();
            }
            Map<String, VerificationKey> loaded = loadJwks(jwksUri);
            keys = Map.copyOf(loaded);
            LOG.atDebug().setMessage("issuer keys loaded").addKeyValue("issuer", config.name())
                    .addKeyValue("keys", loaded.size()).log();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.atWarn().setMessage("issuer keys could not be loaded; keeping the previous keys")
                    .addKeyValue("issuer", config.name()).addKeyValue("error", e.getMessage()).log();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            refreshLock.unlock();
        }
    }

    private URI discover() throws IOException, InterruptedException {
        JsonNode metadata = fetch(config.discovery());
        JsonNode issuer = metadata.get("issuer");
        if (issuer == null || !config.issuer().equals(issuer.asText())) {
            // OIDC Discovery §4.3: a mismatch means the document is not this issuer's.
            throw new IOException("discovery issuer does not match the configured issuer");
        }
        JsonNode jwks = metadata.get("jwks_uri");
        if (jwks == null || !jwks.isTextual()) {
            throw new IOException("discovery document has no jwks_uri");
        }
        URI uri = URI.create(jwks.asText());
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IOException("jwks_uri is not http(s)");
        }
        return uri;
    }

    private Map<String, VerificationKey> loadJwks(URI uri) throws IOException, InterruptedException {
        JsonNode set = fetch(uri);
        JsonNode list = set.get("keys");
        if (list == null || !list.isArray()) {
            throw new IOException("JWKS has no keys array (RFC 7517 §5)");
        }
        Map<String, VerificationKey> out = new HashMap<>();
        for (JsonNode jwk : list) {
            try {
                VerificationKey key = VerificationKey.fromJwk(jwk.toString());
                out.put(key.keyId().value(), key);
            } catch (IllegalArgumentException e) {
                LOG.atDebug().setMessage("JWK skipped").addKeyValue("issuer", config.name())
                        .addKeyValue("reason", e.getMessage()).log();
            }
        }
        return out;
    }

    private JsonNode fetch(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + uri.getHost());
            }
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IOException("document larger than 512 KiB");
            }
            return JSON.readTree(body);
        }
    }
}
