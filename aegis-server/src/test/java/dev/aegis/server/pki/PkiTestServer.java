package dev.aegis.server.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
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

/** A real Aegis on loopback (embedded database, free ports) and helpers to drive its workload CA over HTTP. */
public final class PkiTestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public static final TrustDomain DOMAIN = TrustDomain.of("test.aegis");

    public final AegisServer server;
    final String admin;

    public PkiTestServer(Path dataDir, Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("data-dir", dataDir.toString());
        overrides.put("server.port", "0");
        overrides.put("server.shutdown-grace", "1s");
        overrides.put("pki.mtls.port", "0");
        overrides.put("pki.trust-domain", DOMAIN.name());
        overrides.put("logging.format", "text");
        overrides.putAll(extra);
        this.server = AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), overrides), Clock.systemUTC());
        this.admin = server.bootstrapCredential().orElseThrow();
    }

    HttpResponse<String> post(String path, String body, String credential) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String credential) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode adminPost(String path, String body) throws Exception {
        HttpResponse<String> r = post(path, body, admin);
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    JsonNode adminGet(String path) throws Exception {
        HttpResponse<String> r = get(path, admin);
        if (r.statusCode() != 200) {
            throw new AssertionError(path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    public SpiffeId register(String path) throws Exception {
        SpiffeId id = DOMAIN.id(path);
        adminPost("/admin/v1/workloads", "{\"spiffeId\":\"" + id + "\",\"dnsNames\":[\"localhost\"],\"ttl\":\"1h\"}");
        return id;
    }

    public String joinToken(SpiffeId id) throws Exception {
        return adminPost("/admin/v1/workloads/join-tokens", "{\"spiffeId\":\"" + id + "\"}").get("token").asText();
    }

    public WorkloadIdentity.Builder identity(SpiffeId id, PeerAuthorizer allowed) throws Exception {
        return WorkloadIdentity.builder().controlPlane(URI.create(server.baseUrl())).mtlsEndpoint(URI.create(server.mtlsUrl()))
                .trustDomain(DOMAIN).joinToken(joinToken(id)).authorizer(allowed);
    }

    @Override
    public void close() {
        server.close();
    }
}
