package dev.aegis.gateway.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.gateway.api.ApiKeyRegistry;
import dev.aegis.gateway.api.AuthorizationHook;
import dev.aegis.gateway.api.Gateway;
import dev.aegis.gateway.api.GatewayOptions;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real pieces for gateway tests: an embedded store and audit log in a temp dir, the API key registry, token
 * issuers that serve OIDC discovery + JWKS over HTTP, echo upstreams (JDK HttpServer on port 0) that answer
 * with the headers they received, and gateways started on port 0 over a routes file. Close it after use.
 */
final class TestWorld implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final Store store;
    final AuditLog audit;
    final ApiKeyRegistry apiKeys;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    TestWorld(Path dir) {
        this.dir = dir;
        this.store = Store.open(StoreConfig.embedded(dir.resolve("data")));
        KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("data/root.key")),
                Clock.systemUTC());
        this.audit = AuditLog.start(AuditSettings.defaults(), store, keys, List.of(), Clock.systemUTC());
        this.apiKeys = new ApiKeyRegistry(store, audit::fingerprint, Clock.systemUTC());
    }

    /** An echo upstream: answers 200 with JSON {name, method, path, headers, body}. */
    final class Upstream {
        final HttpServer server;
        final String name;
        final AtomicInteger hits = new AtomicInteger();
        volatile int status = 200;

        Upstream(String name) throws IOException {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::handle);
            server.start();
            closeables.add(() -> server.stop(0));
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange ex) throws IOException {
            hits.incrementAndGet();
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("name", name);
            echo.put("method", ex.getRequestMethod());
            echo.put("path", ex.getRequestURI().getRawPath());
            echo.put("query", ex.getRequestURI().getRawQuery());
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            echo.put("headers", headers);
            try (InputStream in = ex.getRequestBody()) {
                echo.put("body", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] out = JSON.writeValueAsBytes(echo);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("X-Frame-Options", "SAMEORIGIN");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        }
    }

    /** A token issuer with OIDC discovery and a JWKS endpoint that counts its fetches. */
    final class Issuer {
        final HttpServer server;
        final AtomicReference<KeyRing> ring = new AtomicReference<>();
        final AtomicInteger jwksFetches = new AtomicInteger();
        final String issuer;

        Issuer() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realm";
            ring.set(KeyRing.of(List.of(newKey())));
            server.createContext("/realm/.well-known/openid-configuration", ex -> send(ex,
                    "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}"));
            server.createContext("/realm/jwks", ex -> {
                jwksFetches.incrementAndGet();
                send(ex, ring.get().publicJwkSetJson());
            });
            server.start();
            closeables.add(() -> server.stop(0));
        }

        String discovery() {
            return issuer + "/.well-known/openid-configuration";
        }

        /** Rotates in a new signing key (the old one stays published). */
        void rotate() {
            List<SigningKey> keys = new ArrayList<>(ring.get().keys());
            SigningKey current = ring.get().signingKey().orElseThrow();
            keys.remove(current);
            keys.add(current.retire(Instant.now()));
            keys.add(newKey());
            ring.set(KeyRing.of(keys));
        }

        String token(JwtClaims.Builder claims) {
            return new JwtSigner(ring::get).sign(claims.build(), "at+jwt");
        }

        JwtClaims.Builder claims(String subject) {
            Instant now = Instant.now();
            return JwtClaims.builder().issuer(issuer).subject(subject).audience("api://orders")
                    .issuedAt(now).expiresAt(now.plusSeconds(300)).jwtId("jti-" + System.nanoTime())
                    .claim("scope", "orders.read orders.write").claim("client_id", "web-app");
        }

        private SigningKey newKey() {
            return SigningKey.generate(SigningAlgorithm.ES256, KeyId.random(), Instant.now()).activate(Instant.now());
        }

        private void send(HttpExchange ex, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        }
    }

    Upstream upstream(String name) throws IOException {
        return new Upstream(name);
    }

    Issuer issuer() throws IOException {
        return new Issuer();
    }

    Path writeRoutes(String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    Gateway gateway(Path routes) {
        return gateway(GatewayOptions.of(routes, "127.0.0.1", 0).withReloadInterval(Duration.ZERO), null);
    }

    Gateway gateway(GatewayOptions options, AuthorizationHook hook) {
        Gateway g = Gateway.start(options, audit, apiKeys, metrics, hook, Clock.systemUTC());
        closeables.add(g);
        return g;
    }

    HttpResponse<String> get(Gateway g, String path, String... headers) throws Exception {
        return send(g, "GET", path, null, headers);
    }

    HttpResponse<String> send(Gateway g, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> echoedHeaders(HttpResponse<String> r) throws IOException {
        return (Map<String, String>) JSON.readValue(r.body(), Map.class).get("headers");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> echo(HttpResponse<String> r) throws IOException {
        return JSON.readValue(r.body(), Map.class);
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
        audit.close();
        store.close();
    }
}
