package dev.aegis.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two SDK workloads talk mTLS (JDK HttpClient → Helidon, both on the SDK's one-line SSLContext) without pause
 * while their leaf SVIDs are renewed several times and then the CA itself is rotated: not one request fails.
 * Every request is a full handshake (the client's session cache is emptied before each), so each one checks
 * the chain, the SPIFFE ID and the current bundle.
 */
class RotationUnderTrafficTest {

    @TempDir
    Path dir;

    @Test
    void leafAndCaRotationDuringContinuousMtlsTrafficFailsNoRequest() throws Exception {
        try (PkiTestServer aegis = new PkiTestServer(dir, Map.of("pki.ca.publish-ahead", "3s"))) {
            SpiffeId apiId = aegis.register("/api");
            SpiffeId backendId = aegis.register("/backend");
            try (WorkloadIdentity backend = aegis.identity(backendId, PeerAuthorizer.allowing(apiId))
                    .trustRefresh(Duration.ofMillis(300)).revocationPoll(Duration.ofMillis(200)).start();
                 WorkloadIdentity api = aegis.identity(apiId, PeerAuthorizer.allowing(backendId))
                    .trustRefresh(Duration.ofMillis(300)).revocationPoll(Duration.ofMillis(200)).start()) {
                WebServer service = WebServer.builder().host("127.0.0.1").port(0)
                        .tls(Tls.builder().sslContext(backend.sslContext()).clientAuth(TlsClientAuth.REQUIRED).build())
                        .routing(r -> r.get("/whoami", (req, res) -> {
                            X509Certificate peer = (X509Certificate) req.remotePeer().tlsCertificates().orElseThrow()[0];
                            res.send(dev.aegis.sdk.api.mtls.X509SvidRules.spiffeIdOf(peer).toString());
                        }))
                        .build().start();
                try {
                    URI target = URI.create("https://127.0.0.1:" + service.port() + "/whoami");
                    AtomicBoolean running = new AtomicBoolean(true);
                    AtomicInteger ok = new AtomicInteger();
                    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
                    List<Thread> clients = new ArrayList<>();
                    for (int t = 0; t < 3; t++) {
                        clients.add(Thread.ofVirtual().start(() -> {
                            while (running.get()) {
                                emptySessionCache(api.sslContext().getClientSessionContext());
                                try (HttpClient http = HttpClient.newBuilder().sslContext(api.sslContext())
                                        .connectTimeout(Duration.ofSeconds(5)).build()) {
                                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5)).build(),
                                            HttpResponse.BodyHandlers.ofString());
                                    if (r.statusCode() == 200 && r.body().equals(apiId.toString())) {
                                        ok.incrementAndGet();
                                    } else {
                                        failures.add(r.statusCode() + " " + r.body());
                                    }
                                } catch (Exception e) {
                                    failures.add(e.toString());
                                }
                            }
                        }));
                    }
                    Thread.sleep(500);
                    // Leaf rotation, three times on each side.
                    for (int i = 0; i < 3; i++) {
                        api.renewNow();
                        backend.renewNow();
                        Thread.sleep(300);
                    }
                    int afterLeaves = ok.get();
                    String oldRoot = rootSubjectOf(api);
                    // CA rotation: the new generation is published first, activates after 3 s, then SVIDs move to it.
                    JsonNode rotated = aegis.adminPost("/admin/v1/ca/rotate", "{}");
                    assertEquals(2, rotated.path("generations").size(), rotated.toString());
                    waitFor(() -> api.peerVerifier().bundle(PkiTestServer.DOMAIN).orElseThrow().x509Authorities().size() == 2
                            && backend.peerVerifier().bundle(PkiTestServer.DOMAIN).orElseThrow().x509Authorities().size() == 2,
                            Duration.ofSeconds(10));
                    waitFor(() -> activeGeneration(aegis) == 2, Duration.ofSeconds(15));
                    api.renewNow();
                    Thread.sleep(300);
                    backend.renewNow();
                    Thread.sleep(1000);
                    running.set(false);
                    for (Thread c : clients) {
                        c.join(10_000);
                    }
                    assertTrue(failures.isEmpty(), "failed requests: " + failures.size() + " e.g. " + failures.peek());
                    assertTrue(afterLeaves > 10 && ok.get() > afterLeaves, "requests served: " + ok.get());
                    assertTrue(!oldRoot.equals(rootSubjectOf(api)), "the api's SVID now chains to the new CA generation");
                    assertTrue(!oldRoot.equals(rootSubjectOf(backend)), "the backend's SVID now chains to the new CA generation");
                } finally {
                    service.stop();
                }
            }
        }
    }

    private static String rootSubjectOf(WorkloadIdentity identity) {
        return identity.svid().chain().get(1).getIssuerX500Principal().getName();
    }

    private static long activeGeneration(PkiTestServer aegis) {
        try {
            for (JsonNode g : aegis.adminGet("/admin/v1/ca").path("generations")) {
                if ("ACTIVE".equals(g.path("state").asText())) {
                    return g.path("number").asLong();
                }
            }
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** One request over a fresh handshake (the session cache emptied): the HTTP status, or -1 when refused. */
    static int call(WorkloadIdentity client, URI target) {
        emptySessionCache(client.sslContext().getClientSessionContext());
        try (HttpClient http = HttpClient.newBuilder().sslContext(client.sslContext()).build()) {
            return http.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static void emptySessionCache(SSLSessionContext sessions) {
        Enumeration<byte[]> ids = sessions.getIds();
        while (ids.hasMoreElements()) {
            SSLSession s = sessions.getSession(ids.nextElement());
            if (s != null) {
                s.invalidate();
            }
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + max);
            }
            Thread.sleep(100);
        }
    }
}
