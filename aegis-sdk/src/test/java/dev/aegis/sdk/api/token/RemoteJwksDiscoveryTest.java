package dev.aegis.sdk.api.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RemoteJwks#discover} and {@link RemoteJwks#lazy} against a real HTTP issuer stub (OIDC Discovery + JWKS). */
class RemoteJwksDiscoveryTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        Instant now = Instant.now();
        SigningKey key = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k1"), now).activate(now);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/jwks", ex -> {
            jwksFetches.incrementAndGet();
            byte[] body = KeyRing.of(List.of(key)).publicJwkSetJson().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/.well-known/openid-configuration", ex -> {
            byte[] body = ("{\"issuer\":\"" + base + "\",\"jwks_uri\":\"" + base + "/jwks\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void discoveryNamesTheJwksAndItsKeysLoad() {
        RemoteJwks jwks = RemoteJwks.discover(http, base, URI.create(base + "/.well-known/openid-configuration"),
                Duration.ofSeconds(30));
        assertEquals(0, jwks.size(), "lazy: nothing fetched before the first refresh");
        assertTrue(jwks.refresh());
        assertTrue(jwks.find(KeyId.of("k1")).isPresent());
    }

    @Test
    void discoveryDocumentOfAnotherIssuerIsRefused() {
        RemoteJwks jwks = RemoteJwks.discover(http, "https://impostor.example", URI.create(base
                + "/.well-known/openid-configuration"), Duration.ofSeconds(30));
        assertFalse(jwks.refresh(), "OIDC Discovery §4.3: the document must name the configured issuer");
        assertEquals(0, jwks.size());
        assertEquals(0, jwksFetches.get(), "the JWKS of a mismatched document is never fetched");
    }

    @Test
    void floodOfUnknownKidsFetchesAtMostOncePerInterval() {
        RemoteJwks jwks = RemoteJwks.lazy(http, URI.create(base + "/jwks"), Duration.ofMinutes(5));
        assertTrue(jwks.refresh());
        for (int i = 0; i < 50; i++) {
            assertTrue(jwks.find(KeyId.of("random-" + i)).isEmpty());
        }
        assertEquals(2, jwks.fetches(), "the first refresh, then one for the first unknown kid");
    }
}
