package dev.aegis.sdk.api.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.token.AccessTokenVerifier;
import dev.aegis.sdk.api.token.DpopProofVerifier;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDK HttpServer adapter: the guard runs before the handler, which sees only accepted tokens. */
class GuardFilterTest {
    static final String ISSUER = "https://aegis.test";
    private final HttpClient http = HttpClient.newHttpClient();
    private final KeyRing ring;
    private final ServiceGuard guard;
    private HttpServer server;

    GuardFilterTest() {
        Instant t = Instant.now().minusSeconds(60);
        ring = KeyRing.of(List.of(SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k"), t).activate(t)));
        guard = new ServiceGuard("orders", AccessTokenVerifier.create(ISSUER, "orders", ring, Clock.systemUTC()),
                new DpopProofVerifier(Clock.systemUTC(), Duration.ofMinutes(1)), null, true);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(GuardFilter filter) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var context = server.createContext("/orders", exchange -> {
            byte[] body = ("hello " + GuardFilter.token(exchange).subject()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        context.getFilters().add(filter);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders");
    }

    private String token(String scope) {
        Instant now = Instant.now();
        return new JwtSigner(() -> ring).sign(JwtClaims.builder().issuer(ISSUER).subject("alice").audience("orders")
                .issuedAt(now).expiresAt(now.plusSeconds(300)).jwtId(UUID.randomUUID().toString())
                .claim("client_id", "web").claim("scope", scope).build(), AccessTokenVerifier.ACCESS_TOKEN_TYPE);
    }

    private HttpResponse<String> post(URI uri, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theHandlerSeesTheVerifiedTokenOfAnAllowedRequest() throws Exception {
        URI uri = serve(GuardFilter.requiring(guard, Set.of("orders:write"), "orders.create"));
        HttpResponse<String> r = post(uri, "Bearer " + token("orders:write"));
        assertEquals(200, r.statusCode());
        assertEquals("hello alice", r.body());
    }

    @Test
    void aTokenWithoutTheScopeIsForbiddenBeforeTheHandlerRuns() throws Exception {
        URI uri = serve(GuardFilter.requiring(guard, Set.of("orders:write"), "orders.create"));
        HttpResponse<String> r = post(uri, "Bearer " + token("orders:read"));
        assertEquals(403, r.statusCode());
        assertEquals("{\"error\":\"insufficient_scope\"}", r.body());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"insufficient_scope\""));
    }

    @Test
    void noTokenOrAForgedTokenIsUnauthenticated() throws Exception {
        URI uri = serve(GuardFilter.requiring(guard, Set.of("orders:write"), "orders.create"));
        assertEquals(401, post(uri, null).statusCode());
        HttpResponse<String> forged = post(uri, "Bearer " + token("orders:write").replace('.', '!'));
        assertEquals(401, forged.statusCode());
        assertEquals("{\"error\":\"invalid_token\"}", forged.body());
    }

    @Test
    void aCallerWithoutAnAllowedSvidIsRefusedWhateverItsToken() throws Exception {
        URI uri = serve(GuardFilter.requiring(guard, Set.of("orders:write"), "orders.create")
                .callers(PeerAuthorizer.allowing(SpiffeId.parse("spiffe://aegis.test/gateway"))));
        HttpResponse<String> r = post(uri, "Bearer " + token("orders:write"));
        assertEquals(403, r.statusCode(), "plain HTTP has no client SVID");
        assertEquals("{\"error\":\"caller_not_allowed\"}", r.body());
        assertTrue(guard.prometheusText().contains("decision=\"forbidden\"} 1"), guard.prometheusText());
    }
}
