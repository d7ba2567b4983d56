package dev.aegis.server.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A started Aegis server (embedded database, port 0) for the identity provider's end-to-end tests, with helpers
 * that drive the admin API over real HTTP.
 */
final class IdentityServer implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    static final ObjectMapper JSON = new ObjectMapper();

    final AegisServer server;
    final String admin;

    private IdentityServer(AegisServer server) {
        this.server = server;
        this.admin = server.bootstrapCredential().orElseThrow();
    }

    static IdentityServer start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    static IdentityServer start(Path dataDir, Map<String, String> extra) {
        return start(dataDir, extra, Clock.systemUTC());
    }

    static IdentityServer start(Path dataDir, Map<String, String> extra, Clock clock) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("data-dir", dataDir.toString());
        overrides.put("server.port", "0");
        overrides.put("server.shutdown-grace", "1s");
        overrides.putAll(extra);
        return new IdentityServer(AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), overrides), clock));
    }

    String url(String path) {
        return server.baseUrl() + path;
    }

    URI uri(String path) {
        return URI.create(url(path));
    }

    HttpResponse<String> adminPost(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Registers a client; returns the admin API's JSON (with client_secret when it has one). */
    JsonNode createClient(String json) throws Exception {
        HttpResponse<String> r = adminPost("/admin/v1/clients", json);
        if (r.statusCode() != 201) {
            throw new AssertionError("client registration failed: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    JsonNode createUser(String username, String password, String extraJson) throws Exception {
        HttpResponse<String> r = adminPost("/admin/v1/users", "{\"username\":\"" + username + "\",\"password\":\"" + password
                + "\"" + (extraJson.isEmpty() ? "" : "," + extraJson) + "}");
        if (r.statusCode() != 201) {
            throw new AssertionError("user creation failed: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    HttpResponse<String> form(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String id, String secret) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
