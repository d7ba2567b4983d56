package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The admin API client shared by {@code aegis clients|users|groups}: the server URL and the admin credential
 * (the bootstrap credential or an access token with {@code aegis:admin}), preferably from the environment
 * ({@code AEGIS_URL}, {@code AEGIS_ADMIN_TOKEN}) so the credential stays out of the process list and shell
 * history. Prints the server's JSON; a refused call becomes a one-line error with exit code 1.
 */
public final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Option(names = "--url", description = "Aegis base URL (default: $AEGIS_URL or http://127.0.0.1:8443)")
    String url;

    @Option(names = "--token", description = "admin credential (default: $AEGIS_ADMIN_TOKEN; prefer the variable)")
    String token;

    @Option(names = "--verbose", description = "print the cause of a failure")
    boolean verbose;

    private String base() {
        String u = url != null ? url : System.getenv().getOrDefault("AEGIS_URL", "http://127.0.0.1:8443");
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    private String credential() {
        String t = token != null ? token : System.getenv("AEGIS_ADMIN_TOKEN");
        if (t == null || t.isBlank()) {
            throw new IllegalStateException("no admin credential: set AEGIS_ADMIN_TOKEN (or --token)");
        }
        return t.strip();
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
    }

    JsonNode post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).DELETE());
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.header("Authorization", "Bearer " + credential()).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + base() + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        JsonNode body = null;
        try {
            body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (response.statusCode() >= 300) {
            String detail = body.path("detail").asText("");
            throw new IllegalStateException("the server refused: " + response.statusCode()
                    + (detail.isEmpty() ? "" : " " + detail));
        }
        return body;
    }

    static void print(CommandLine.Model.CommandSpec spec, JsonNode node) {
        try {
            spec.commandLine().getOut().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        spec.commandLine().getOut().flush();
    }

    static String segment(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
