package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.aegis.gateway.api.Gateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream pools over real HTTP and mTLS: round robin, retries, circuit breaker, health checks, SPIFFE-ID check. */
class GatewayUpstreamTest {

    @TempDir
    static Path dir;
    static TestWorld world;
    static TestWorld.Upstream a;
    static TestWorld.Upstream b;
    static TestWorld.Upstream flaky;
    static TestWorld.Upstream sick;
    static TestWorld.Upstream healthy;
    static HttpsServer mtlsUpstream;
    static Set<String> clientSubjects = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir);
        a = world.upstream("a");
        b = world.upstream("b");
        flaky = world.upstream("flaky");
        sick = world.upstream("sick");
        healthy = world.upstream("healthy");
        int dead = freePort();
        TestPki pki = new TestPki("Aegis Test CA");
        TestPki.Leaf service = pki.leaf("orders", "spiffe://aegis.test/ns/prod/sa/orders", null);
        TestPki.Leaf gw = pki.leaf("gateway", "spiffe://aegis.test/gateway", null);
        pki.writePem(dir.resolve("ca.pem"), pki.ca);
        pki.writePem(dir.resolve("gw.pem"), gw.certificate());
        pki.writePem(dir.resolve("gw.key"), new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(gw.keys().getPrivate(), null));
        mtlsUpstream = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        SSLContext serverCtx = pki.serverContext(service, true);
        mtlsUpstream.setHttpsConfigurator(new HttpsConfigurator(serverCtx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = serverCtx.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        mtlsUpstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        mtlsUpstream.createContext("/", ex -> {
            SSLSession session = ((com.sun.net.httpserver.HttpsExchange) ex).getSSLSession();
            clientSubjects.add(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName());
            byte[] body = "secure".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        mtlsUpstream.start();
        int mtlsPort = mtlsUpstream.getAddress().getPort();
        Path routes = world.writeRoutes("routes.yaml", """
                routes:
                  - id: rr
                    match: { path-prefix: /rr, methods: [GET, POST] }
                    upstream: { targets: [%s, %s] }
                    auth: { methods: [none] }
                  - id: retry
                    match: { path-prefix: /retry, methods: [GET, POST] }
                    upstream:
                      targets: [http://127.0.0.1:%d, %s]
                      retries: 1
                      connect-timeout: 500ms
                      circuit-breaker: { failure-threshold: 1000, open-for: 1s }
                    auth: { methods: [none] }
                  - id: breaker
                    match: { path-prefix: /breaker }
                    upstream:
                      targets: [%s]
                      retries: 0
                      circuit-breaker: { failure-threshold: 3, open-for: 1s }
                    auth: { methods: [none] }
                  - id: health
                    match: { path-prefix: /health }
                    upstream:
                      targets: [%s, %s]
                      health-check: { path: /healthz, interval: 200ms }
                    auth: { methods: [none] }
                  - id: secure
                    match: { path-prefix: /secure }
                    upstream:
                      targets: [https://127.0.0.1:%d]
                      tls: { certificate: gw.pem, private-key: gw.key, trust: ca.pem, expected-id: "spiffe://aegis.test/ns/prod/sa/orders" }
                    auth: { methods: [none] }
                  - id: impostor
                    match: { path-prefix: /impostor }
                    upstream:
                      targets: [https://127.0.0.1:%d]
                      retries: 0
                      tls: { certificate: gw.pem, private-key: gw.key, trust: ca.pem, expected-id: "spiffe://aegis.test/ns/prod/sa/payments" }
                    auth: { methods: [none] }
                """.formatted(a.url(), b.url(), dead, flaky.url(), flaky.url(), sick.url(), healthy.url(), mtlsPort, mtlsPort));
        gateway = world.gateway(routes);
    }

    @AfterAll
    static void stop() {
        mtlsUpstream.stop(0);
        world.close();
    }

    @Test
    void requestsAreSpreadRoundRobin() throws Exception {
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(TestWorld.echo(world.get(gateway, "/rr/" + i)).get("name"));
        }
        assertEquals(Set.of("a", "b"), seen);
    }

    @Test
    void idempotentRequestsAreRetriedOnTheNextTargetAndPostIsNot() throws Exception {
        int gets = 0;
        for (int i = 0; i < 4; i++) {
            if (world.get(gateway, "/retry/x").statusCode() == 200) {
                gets++;
            }
        }
        assertEquals(4, gets, "every GET reaches the live target");
        int posts502 = 0;
        for (int i = 0; i < 4; i++) {
            int s = world.send(gateway, "POST", "/retry/x", "{}").statusCode();
            if (s == 502) {
                posts502++;
            }
        }
        assertTrue(posts502 >= 1, "a POST that hit the dead target is not retried (" + posts502 + ")");
    }

    @Test
    void circuitOpensAfterConsecutiveFailuresAndClosesAfterASuccessfulTrial() throws Exception {
        flaky.status = 500;
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(500, world.get(gateway, "/breaker/x").statusCode());
            }
            int hits = flaky.hits.get();
            assertEquals(503, world.get(gateway, "/breaker/x").statusCode(), "circuit open: not even tried");
            assertEquals(hits, flaky.hits.get());
        } finally {
            flaky.status = 200;
        }
        Thread.sleep(1100);
        assertEquals(200, world.get(gateway, "/breaker/x").statusCode(), "half-open trial succeeds");
        assertEquals(200, world.get(gateway, "/breaker/x").statusCode());
    }

    @Test
    void unhealthyTargetIsTakenOutOfRotation() throws Exception {
        sick.status = 503;
        try {
            Thread.sleep(700);
            for (int i = 0; i < 6; i++) {
                assertEquals("healthy", TestWorld.echo(world.get(gateway, "/health/" + i)).get("name"));
            }
        } finally {
            sick.status = 200;
        }
    }

    @Test
    void upstreamMtlsPresentsTheGatewayCertificateAndChecksTheSpiffeId() throws Exception {
        var r = world.get(gateway, "/secure/x");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("secure", r.body());
        assertTrue(clientSubjects.contains("CN=gateway"), clientSubjects.toString());
    }

    @Test
    void upstreamWithAnotherSpiffeIdIsRefused() throws Exception {
        assertEquals(502, world.get(gateway, "/impostor/x").statusCode());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
