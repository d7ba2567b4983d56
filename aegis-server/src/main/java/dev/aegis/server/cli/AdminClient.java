package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The admin API client shared by the admin commands ({@code aegis clients|users|groups}, {@code workloads},
 * {@code ca}, {@code bundle}, {@code jointoken}, {@code pins}): the server URL and the admin credential (the
 * bootstrap credential or an access token with {@code aegis:admin}), preferably from the environment
 * ({@code AEGIS_URL}, {@code AEGIS_ADMIN_TOKEN}) so the credential stays out of the process list and shell
 * history. They call the running server's HTTP API, never the database; the credential is never printed.
 */
public final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Option(names = "--url", defaultValue = "${env:AEGIS_URL:-http://127.0.0.1:8443}",
            description = "Base URL of the Aegis control plane (default: ${DEFAULT-VALUE}; env AEGIS_URL).")
    String url;

    @Option(names = "--token", defaultValue = "${env:AEGIS_ADMIN_TOKEN}",
            description = "Admin credential (bootstrap credential or an aegis:admin access token; env AEGIS_ADMIN_TOKEN).")
    String token;

    @Option(names = "--verbose", description = "print the cause of a failure")
    boolean verbose;

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private String base() {
        String u = url == null ? "http://127.0.0.1:8443" : url;
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** Sends the request, prints the JSON answer (pretty) and returns the exit code; errors are one line. */
    int call(CommandLine.Model.CommandSpec spec, String method, String path, JsonNode body, boolean admin) {
        return call(spec, method, path, body, admin, answer -> print(spec, answer));
    }

    /** Sends the request and hands the JSON answer to {@code onAnswer}; errors are one line. */
    int call(CommandLine.Model.CommandSpec spec, String method, String path, JsonNode body, boolean admin,
             Consumer<JsonNode> onAnswer) {
        PrintWriter err = spec.commandLine().getErr();
        if (admin && (token == null || token.isBlank())) {
            err.println("aegis: an admin credential is required: --token or AEGIS_ADMIN_TOKEN");
            return ExitCode.USAGE;
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path));
            if ("POST".equals(method)) {
                b.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString()));
            } else if ("DELETE".equals(method)) {
                b.DELETE();
            }
            onAnswer.accept(send(b, admin));
            return ExitCode.OK;
        } catch (IllegalArgumentException e) {
            err.println("aegis: bad --url: " + url);
            return ExitCode.USAGE;
        } catch (IllegalStateException e) {
            err.println("aegis: " + e.getMessage());
            if (verbose && e.getCause() != null) {
                e.getCause().printStackTrace(err);
            }
            return ExitCode.FAILURE;
        }
    }

    private JsonNode send(HttpRequest.Builder request, boolean admin) {
        if (admin) {
            request.header("Authorization", "Bearer " + token.strip());
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + base() + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? object() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = object();
        }
        if (response.statusCode() >= 300) {
            String detail = body.path("detail").asText(body.path("title").asText(""));
            throw new IllegalStateException(response.statusCode() + (detail.isEmpty() ? "" : " " + detail));
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
