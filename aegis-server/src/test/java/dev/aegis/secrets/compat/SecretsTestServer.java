package dev.aegis.secrets.compat;

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

/** Starts a real Aegis server (embedded storage, port 0) and talks Vault's HTTP API to it with the JDK client. */
final class SecretsTestServer {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SecretsTestServer() {
    }

    static AegisServer start(Path dataDir, Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("data-dir", dataDir.toString());
        overrides.put("server.port", "0");
        overrides.put("server.shutdown-grace", "1s");
        overrides.putAll(extra);
        return AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), overrides), Clock.systemUTC());
    }

    static HttpResponse<String> call(AegisServer server, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/" + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Vault-Token", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
