package dev.aegis.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The demo's calls to the control plane's real HTTP API over TLS: the admin API (clients, users, workloads,
 * join tokens, workload revocation, gateway reload) with the bootstrap credential, and the OAuth revocation
 * endpoint (RFC 7009) with a client's credentials. A refusal is an {@link IllegalStateException} naming the
 * call and the status, never the credential.
 */
final class DemoAdmin {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;
    private final String credential;

    DemoAdmin(HttpClient http, String base, String credential) {
        this.http = http;
        this.base = base;
        this.credential = credential;
    }

    HttpClient http() {
        return http;
    }

    String base() {
        return base;
    }

    /** Registers an OAuth client; returns its client secret. */
    String createClient(ObjectNode client) throws IOException, InterruptedException {
        return post("/admin/v1/clients", client, 201).path("client_secret").asText();
    }

    /** @return the new user's id (the {@code sub} of its tokens) */
    String createUser(String username, String password, List<String> roles) throws IOException, InterruptedException {
        ObjectNode user = JSON.createObjectNode().put("username", username).put("password", password);
        roles.forEach(user.putArray("roles")::add);
        return post("/admin/v1/users", user, 201).path("user_id").asText();
    }

    /** Creates an authorization store with a model in the OpenFGA DSL; @return the store id */
    String createAuthzStore(String name, String modelDsl) throws IOException, InterruptedException {
        String store = post("/stores", JSON.createObjectNode().put("name", name), 201).path("id").asText();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/stores/" + store + "/authorization-models"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + credential)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(modelDsl)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("the authorization model was refused: " + r.statusCode());
        }
        return store;
    }

    /** Writes ({@code "writes"}) or deletes ({@code "deletes"}) one relationship tuple. */
    void tuple(String store, String operation, String user, String relation, String object) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject(operation).putArray("tuple_keys").addObject().put("user", user).put("relation", relation)
                .put("object", object);
        post("/stores/" + store + "/write", body, 200);
    }

    /** Registers a workload and mints its one-time join token. */
    String joinToken(String spiffeId) throws IOException, InterruptedException {
        post("/admin/v1/workloads", JSON.createObjectNode().put("spiffeId", spiffeId).put("ttl", "1h"), 201);
        return mintJoinToken(spiffeId);
    }

    /** Another one-time join token for an already registered workload (a second instance of it). */
    String mintJoinToken(String spiffeId) throws IOException, InterruptedException {
        return post("/admin/v1/workloads/join-tokens", JSON.createObjectNode().put("spiffeId", spiffeId).put("ttl", "15m"), 201)
                .path("token").asText();
    }

    void revokeWorkload(String spiffeId) throws IOException, InterruptedException {
        post("/admin/v1/workloads/revoke", JSON.createObjectNode().put("spiffeId", spiffeId), 200);
    }

    /** Revokes one SVID by its serial (lower-case hex), not the workload. */
    void revokeSerial(String serial) throws IOException, InterruptedException {
        post("/admin/v1/workloads/revoke", JSON.createObjectNode().put("serial", serial), 200);
    }

    void reloadGateway() throws IOException, InterruptedException {
        post("/admin/v1/gateway/reload", JSON.createObjectNode(), 200);
    }

    /** RFC 7009 revocation of {@code token} by the client it was issued to. */
    void revokeToken(String token, String clientId, String clientSecret) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/revoke"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", basic(clientId, clientSecret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token revocation refused: " + r.statusCode());
        }
    }

    /** A client-credentials token (RFC 6749 §4.4) of a registered client. */
    String clientToken(String clientId, String clientSecret, String scope) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", basic(clientId, clientSecret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
                        + URLEncoder.encode(scope, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("client credentials refused: " + r.statusCode() + " " + JSON.readTree(r.body()).path("error").asText());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    static String basic(String id, String secret) {
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode post(String path, JsonNode body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            String detail = r.body().isBlank() ? "" : JSON.readTree(r.body()).path("detail").asText("");
            throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + (detail.isEmpty() ? "" : ": " + detail));
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }
}
