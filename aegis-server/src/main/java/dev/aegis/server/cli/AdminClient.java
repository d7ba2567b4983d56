package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Options and HTTP calls shared by the admin commands of the workload CA ({@code aegis workloads}, {@code ca},
 * {@code bundle}, {@code jointoken}, {@code pins}): they call the running server's HTTP API, never the database.
 * The credential comes from {@code --token} or {@code AEGIS_ADMIN_TOKEN} and is never printed.
 */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Option(names = "--url", defaultValue = "${env:AEGIS_URL:-http://127.0.0.1:8443}",
            description = "Base URL of the Aegis control plane (default: ${DEFAULT-VALUE}; env AEGIS_URL).")
    String url;

    @CommandLine.Option(names = "--token", defaultValue = "${env:AEGIS_ADMIN_TOKEN}",
            description = "Admin credential (bootstrap credential or an aegis:admin access token; env AEGIS_ADMIN_TOKEN).")
    String token;

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Sends the request, prints the JSON answer (pretty) and returns the exit code. */
    int call(CommandLine.Model.CommandSpec spec, String method, String path, JsonNode body, boolean admin) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (admin && (token == null || token.isBlank())) {
            err.println("aegis: an admin credential is required: --token or AEGIS_ADMIN_TOKEN");
            return ExitCode.USAGE;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path)).timeout(Duration.ofSeconds(30));
        if (admin) {
            b.header("Authorization", "Bearer " + token.strip());
        }
        if ("POST".equals(method)) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString()));
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = r.body().isBlank() ? object() : JSON.readTree(r.body());
            if (r.statusCode() / 100 != 2) {
                err.println("aegis: " + r.statusCode() + " " + answer.path("detail").asText(answer.path("title").asText("request failed")));
                return ExitCode.FAILURE;
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            return ExitCode.OK;
        } catch (java.io.IOException e) {
            err.println("aegis: cannot reach " + url + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        } catch (IllegalArgumentException e) {
            err.println("aegis: bad --url: " + url);
            return ExitCode.USAGE;
        }
    }
}
