package dev.aegis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.server.config.AegisConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis up} with a gateway: its own listener, API keys through the admin API, revocation, reload. */
class GatewayServerTest {

    @TempDir
    Path dir;

    @Test
    void upServesTheGatewayOnItsOwnPortAndTheAdminApiManagesItsKeys() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            byte[] b = "hello from upstream".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        upstream.start();
        Path routes = dir.resolve("routes.yaml");
        Files.writeString(routes, """
                routes:
                  - id: hello
                    match: { path-prefix: /hello }
                    upstream: { targets: ["http://127.0.0.1:%d"] }
                    auth: { methods: [api-key] }
                """.formatted(upstream.getAddress().getPort()));
        AegisConfig config = TestServers.embeddedConfig(dir.resolve("data"), Map.of("gateway.routes-file", routes.toString(),
                "gateway.port", "0"));
        try (AegisServer server = AegisServer.start(config, Clock.systemUTC())) {
            String admin = server.bootstrapCredential().orElseThrow();
            int gw = server.gatewayPort().orElseThrow();
            assertTrue(gw != server.port());
            assertEquals(401, call("http://127.0.0.1:" + gw + "/hello", "GET", null, "X-Trace", "1").statusCode());

            HttpResponse<String> created = call(server.baseUrl() + "/admin/v1/apikeys", "POST",
                    "{\"consumer\":\"acme\",\"routes\":[\"hello\"],\"methods\":[\"GET\"]}", "Authorization", "Bearer " + admin);
            assertEquals(201, created.statusCode(), created.body());
            JsonNode key = new ObjectMapper().readTree(created.body());
            assertEquals("no-store", created.headers().firstValue("Cache-Control").orElse(""));
            HttpResponse<String> ok = call("http://127.0.0.1:" + gw + "/hello", "GET", null, "X-API-Key", key.get("key").asText());
            assertEquals(200, ok.statusCode());
            assertEquals("hello from upstream", ok.body());

            HttpResponse<String> list = call(server.baseUrl() + "/admin/v1/apikeys", "GET", null, "Authorization", "Bearer " + admin);
            assertTrue(list.body().contains(key.get("key_id").asText()));
            assertTrue(!list.body().contains(key.get("key").asText()), "the list never shows a key");
            assertEquals(401, call(server.baseUrl() + "/admin/v1/apikeys", "GET", null, "Authorization", "Bearer wrong").statusCode());

            assertEquals(204, call(server.baseUrl() + "/admin/v1/apikeys/" + key.get("key_id").asText(), "DELETE", null,
                    "Authorization", "Bearer " + admin).statusCode());
            assertEquals(401, call("http://127.0.0.1:" + gw + "/hello", "GET", null, "X-API-Key", key.get("key").asText()).statusCode());

            Files.writeString(routes, Files.readString(routes).replace("retries", "x") + "    bogus: 1\n");
            HttpResponse<String> refused = call(server.baseUrl() + "/admin/v1/gateway/reload", "POST", "", "Authorization", "Bearer " + admin);
            assertEquals(422, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("routes[0].bogus"), refused.body());

            String scrape = call(server.baseUrl() + "/metrics", "GET", null, "X-Trace", "1").body();
            assertTrue(scrape.contains("aegis_gateway_requests_total"), "gateway metrics on the control plane's /metrics");
        } finally {
            upstream.stop(0);
        }
    }

    private static HttpResponse<String> call(String url, String method, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        b.headers(headers);
        return TestServers.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
