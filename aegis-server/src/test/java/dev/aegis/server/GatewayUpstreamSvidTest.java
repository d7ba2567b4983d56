package dev.aegis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.aegis.pki.api.Issuance;
import dev.aegis.sdk.api.mtls.MtlsContext;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerVerifier;
import dev.aegis.sdk.api.mtls.SpiffeKeyManager;
import dev.aegis.sdk.api.mtls.SpiffeTrustManager;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.sdk.internal.Csr;
import dev.aegis.server.config.AegisConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aegis up} with the gateway in front of a SPIFFE-authenticated service: the gateway calls it with its own
 * SVID from the in-process workload CA (no certificate files in the routes file) and checks the service's SPIFFE ID.
 */
class GatewayUpstreamSvidTest {

    @TempDir
    Path dir;

    @Test
    void gatewayPresentsItsOwnSvidAndRefusesAnUpstreamWithAnotherSpiffeId() throws Exception {
        HttpsServer orders = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0); // bound now, started below
        Path routes = dir.resolve("routes.yaml");
        String domain = "aegis.local";
        Files.writeString(routes, """
                routes:
                  - id: orders
                    match: { path-prefix: /orders }
                    upstream:
                      targets: ["https://127.0.0.1:%1$d"]
                      tls: { expected-id: "spiffe://%2$s/ns/shop/sa/orders" }
                    auth: { methods: [none] }
                  - id: impostor
                    match: { path-prefix: /billing }
                    upstream:
                      targets: ["https://127.0.0.1:%1$d"]
                      retries: 0
                      tls: { expected-id: "spiffe://%2$s/ns/shop/sa/billing" }
                    auth: { methods: [none] }
                """.formatted(orders.getAddress().getPort(), domain));
        AegisConfig config = TestServers.embeddedConfig(dir.resolve("data"), Map.of("gateway.routes-file", routes.toString(),
                "gateway.port", "0", "pki.trust-domain", domain));
        try (AegisServer server = AegisServer.start(config, Clock.systemUTC())) {
            serveWithSvid(orders, server, TrustDomain.of(domain), "/ns/shop/sa/orders");
            int gw = server.gatewayPort().orElseThrow();

            HttpResponse<String> ok = get("http://127.0.0.1:" + gw + "/orders/1");
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("spiffe://" + domain + "/aegis/gateway", ok.body(), "the upstream saw the gateway's own SVID");

            HttpResponse<String> wrong = get("http://127.0.0.1:" + gw + "/billing/1");
            assertEquals(502, wrong.statusCode(), "an upstream whose SPIFFE ID is not the expected one is refused");
            assertTrue(wrong.headers().firstValue("Content-Type").orElse("").contains("problem+json"));
        } finally {
            orders.stop(0);
        }
    }

    /** Serves HTTPS presenting an SVID of {@code path}, requiring a client SVID of the trust domain; echoes its ID. */
    private static void serveWithSvid(HttpsServer https, AegisServer server, TrustDomain domain, String path) {
        KeyPair pair = Csr.newKeyPair();
        Issuance.Issued issued = server.pki().ca().issueInternal(pair.getPublic(), path, List.of(), Duration.ofMinutes(10));
        PeerVerifier peers = new PeerVerifier(PeerAuthorizer.denyAll().orTrustDomain(domain), Clock.systemUTC());
        peers.updateBundle(server.pki().ca().bundle());
        SSLContext tls = MtlsContext.create(new SpiffeKeyManager(X509Svid.of(issued.chain(), pair.getPrivate())),
                new SpiffeTrustManager(peers));
        https.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                params.setNeedClientAuth(true);
            }
        });
        https.createContext("/", ex -> {
            String caller;
            try {
                X509Certificate peer = (X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0];
                caller = String.valueOf(peer.getSubjectAlternativeNames().iterator().next().get(1));
            } catch (Exception e) {
                caller = "none";
            }
            byte[] b = caller.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        https.start();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return TestServers.HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
