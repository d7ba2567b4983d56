package dev.aegis.server;

import dev.aegis.server.config.AegisConfig;
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

/** Starts real Aegis servers on loopback with a fresh data directory and a free port. */
final class TestServers {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServers() {
    }

    static AegisConfig embeddedConfig(Path dataDir, Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("data-dir", dataDir.toString());
        overrides.put("server.port", "0");
        overrides.put("pki.mtls.port", "0"); // the workload CA's mTLS listener: never a fixed port in tests
        overrides.put("server.shutdown-grace", "2s");
        overrides.putAll(extra);
        return ConfigLoader.load(Optional.empty(), Map.of(), overrides);
    }

    static AegisServer start(Path dataDir) {
        return AegisServer.start(embeddedConfig(dataDir, Map.of()), Clock.systemUTC());
    }

    static HttpResponse<String> get(AegisServer server, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
