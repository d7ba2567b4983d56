package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The connection options and HTTP calls shared by the secrets commands ({@code operator}, {@code kv},
 * {@code transit}): Vault's API of a running Aegis at {@code --address} (or {@code VAULT_ADDR}), with the token
 * from {@code --token-file} or {@code VAULT_TOKEN} (never a command-line argument: it would show in the process
 * list).
 */
public final class VaultApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Option(names = {"-a", "--address"}, paramLabel = "URL",
            description = "Aegis address (default: $VAULT_ADDR or http://127.0.0.1:8443)")
    String address;

    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the token (default: $VAULT_TOKEN)")
    java.nio.file.Path tokenFile;

    /** The answer of one call: status and parsed body ({@code null} for 204). */
    record Answer(int status, JsonNode body) {
        String firstError() {
            JsonNode e = body == null ? null : body.path("errors").path(0);
            return e == null || e.isMissingNode() ? "HTTP " + status : e.asText();
        }
    }

    Answer call(String method, String path, Object body, boolean withToken) throws IOException, InterruptedException {
        String base = address != null ? address : env("VAULT_ADDR", env("AEGIS_ADDR", "http://127.0.0.1:8443"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/v1/" + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (withToken) {
            String token = tokenFile != null ? java.nio.file.Files.readString(tokenFile)
                    : env("VAULT_TOKEN", null);
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("set VAULT_TOKEN (or --token-file) to an Aegis secrets token");
            }
            b.header("X-Vault-Token", token.strip());
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach Aegis at " + base + " (is `aegis up` running?)", e);
        }
        JsonNode parsed = r.body().isEmpty() ? null : JSON.readTree(r.body());
        return new Answer(r.statusCode(), parsed);
    }

    /** Fails with the server's first error message unless the status is 2xx. */
    Answer expectOk(Answer a) {
        if (a.status() / 100 != 2) {
            throw new IllegalStateException(a.firstError());
        }
        return a;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    static Map<String, Object> map(Object... kv) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
