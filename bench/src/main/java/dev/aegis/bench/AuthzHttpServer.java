package dev.aegis.bench;

import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a real Aegis server (embedded database under the given directory), loads the 1,000,000-tuple Drive
 * dataset into it (or reuses the one loaded by an earlier run there) and writes {@code <dir>/ready} with "url store credential" for the load generator
 * ({@code bench/authz-http.sh} runs wrk against it). Stops when stdin closes.
 */
public final class AuthzHttpServer {
    private AuthzHttpServer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : Files.createTempDirectory("aegis-authz-http").toString());
        AegisServer server = AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "data-dir", dir.resolve("data").toString(), "server.port", "0", "logging.level", "warn",
                "policy.decision-cache-size", args.length > 1 ? args[1] : "0")), Clock.systemUTC());
        String store = DriveDataset.loadOrReuse(server.authz(), dir.resolve("data"));
        Files.writeString(dir.resolve("ready"), server.baseUrl() + " " + store + " "
                + server.bootstrapCredential().orElseThrow() + "\n", StandardCharsets.UTF_8);
        System.out.println("ready: " + server.baseUrl() + " store " + store);
        while (System.in.read() >= 0) {
            // wait for the driver to close stdin
        }
        server.close();
    }
}
