package dev.aegis.sdk.api.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.aegis.core.api.crypto.SecretBytes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token endpoint client against a real HTTP stub of RFC 6749 §5.1/§5.2 answers. */
class TokenEndpointClientTest {
    private HttpServer server;
    private final List<Map<String, String>> forms = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    private TokenEndpointClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/oauth2/token", exchange -> {
            Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            synchronized (forms) {
                forms.add(form);
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            }
            boolean refused = "admin".equals(form.get("scope"));
            byte[] body = (refused ? "{\"error\":\"invalid_scope\",\"error_description\":\"not allowed\"}"
                    : "{\"access_token\":\"at-" + forms.size() + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(refused ? 400 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        client = new TokenEndpointClient(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/token"),
                "orders", SecretBytes.copyOf("s3cr&t:x".getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void serviceTokensUseClientSecretBasicAndAreCachedWhileFresh() {
        assertEquals("at-1", client.serviceToken("payments:write"));
        assertEquals("at-1", client.serviceToken("payments:write"));
        assertEquals(1, forms.size());
        assertEquals(Map.of("grant_type", "client_credentials", "scope", "payments:write"), forms.get(0));
        String basic = new String(Base64.getDecoder().decode(authorizations.get(0).substring("Basic ".length())),
                StandardCharsets.UTF_8);
        assertEquals("orders:s3cr%26t%3Ax", basic, "RFC 6749 §2.3.1 form-encodes id and secret before joining");
        assertEquals("at-2", client.serviceToken("ledger:write"), "another scope is another token");
    }

    @Test
    void tokenExchangeSendsTheRfc8693Parameters() {
        assertEquals("at-1", client.exchange("incoming-token", "payments", "payments:write"));
        Map<String, String> form = forms.get(0);
        assertEquals(TokenEndpointClient.TOKEN_EXCHANGE, form.get("grant_type"));
        assertEquals("incoming-token", form.get("subject_token"));
        assertEquals(TokenEndpointClient.ACCESS_TOKEN_TYPE, form.get("subject_token_type"));
        assertEquals("payments", form.get("audience"));
        assertEquals("payments:write", form.get("scope"));
    }

    @Test
    void anExchangedTokenIsReusedPerCallerTokenAudienceAndScope() {
        assertEquals("at-1", client.exchangeCached("caller-a", "payments", "payments:write"));
        assertEquals("at-1", client.exchangeCached("caller-a", "payments", "payments:write"), "fresh: reused");
        assertEquals("at-2", client.exchangeCached("caller-b", "payments", "payments:write"), "another caller token");
        assertEquals("at-3", client.exchangeCached("caller-a", "ledger", "payments:write"), "another audience");
        assertEquals(3, forms.size());
    }

    @Test
    void anExchangedTokenNearItsExpiryIsExchangedAgain() {
        AccessTokenVerifierTest.MutableClock clock =
                new AccessTokenVerifierTest.MutableClock(java.time.Instant.parse("2030-01-01T00:00:00Z"));
        TokenEndpointClient timed = new TokenEndpointClient(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/token"),
                "orders", SecretBytes.copyOf("x".getBytes(StandardCharsets.UTF_8)), clock);
        assertEquals("at-1", timed.exchangeCached("caller", "payments", "payments:write"));
        clock.now = clock.now.plusSeconds(239); // expires_in 300: reused up to 80 %
        assertEquals("at-1", timed.exchangeCached("caller", "payments", "payments:write"));
        clock.now = clock.now.plusSeconds(2);
        assertEquals("at-2", timed.exchangeCached("caller", "payments", "payments:write"));
    }

    @Test
    void refusalsCarryTheOAuthErrorAndNeverTheSecret() {
        TokenEndpointClient.TokenEndpointException e = assertThrows(TokenEndpointClient.TokenEndpointException.class,
                () -> client.serviceToken("admin"));
        assertEquals("invalid_scope", e.error());
        assertFalse(e.getMessage().contains("s3cr"));
        assertFalse(client.toString().contains("s3cr"));
    }

    @Test
    void anUnreachableEndpointIsAClearError() {
        server.stop(0);
        TokenEndpointClient.TokenEndpointException e = assertThrows(TokenEndpointClient.TokenEndpointException.class,
                () -> client.serviceToken("x"));
        assertEquals("unreachable", e.error());
    }
}
