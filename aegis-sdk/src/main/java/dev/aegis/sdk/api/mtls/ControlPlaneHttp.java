package dev.aegis.sdk.api.mtls;

import dev.aegis.sdk.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The JSON requests of a workload to the workload CA's endpoints, and their answers or one-line failures. */
final class ControlPlaneHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ControlPlaneHttp() {
    }

    static HttpRequest post(URI uri, Map<String, ?> body) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    }

    static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).build();
    }

    /**
     * @return the JSON object of a 2xx answer
     * @throws IOException for any other status; the message names the path, the status and the problem's error code
     */
    static Map<String, Object> send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            String detail = "";
            try {
                Map<String, Object> problem = Json.parse(r.body());
                detail = ": " + problem.getOrDefault("error", "") + " " + problem.getOrDefault("detail", "");
            } catch (IllegalArgumentException e) {
                // not problem+json
            }
            throw new IOException(request.method() + " " + request.uri().getPath() + " failed: HTTP " + r.statusCode() + detail);
        }
        return Json.parse(r.body());
    }
}
