package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.gateway.api.Gateway;
import dev.aegis.gateway.api.GatewayOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TLS gateway listener with optional client certificates: mTLS routes and certificate-bound tokens (RFC 8705). */
class GatewayMtlsTest {

    @TempDir
    static Path dir;
    static TestWorld world;
    static TestWorld.Issuer issuer;
    static TestPki pki;
    static TestPki.Leaf client;
    static Gateway gateway;
    static HttpClient withCert;
    static HttpClient withoutCert;

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir);
        issuer = world.issuer();
        TestWorld.Upstream upstream = world.upstream("svc");
        pki = new TestPki("Gateway Test CA");
        TestPki.Leaf server = pki.leaf("gateway", null, "localhost");
        client = pki.leaf("batch-job", "spiffe://aegis.test/batch", null);
        Path routes = world.writeRoutes("routes.yaml", """
                issuers:
                  - { name: aegis, issuer: "%s", discovery: "%s" }
                routes:
                  - id: machines
                    match: { path-prefix: /machines }
                    upstream: { targets: [%s] }
                    auth: { methods: [mtls] }
                  - id: api
                    match: { path-prefix: /api }
                    upstream: { targets: [%s] }
                    auth: { methods: [jwt], issuers: [aegis] }
                """.formatted(issuer.issuer, issuer.discovery(), upstream.url(), upstream.url()));
        gateway = world.gateway(GatewayOptions.of(routes, "127.0.0.1", 0).withReloadInterval(Duration.ZERO)
                .withTls(pki.serverContext(server, true), "optional"), null);
        withCert = HttpClient.newBuilder().sslContext(pki.serverContext(client, true)).build();
        SSLContext trustOnly = SSLContext.getInstance("TLSv1.3");
        trustOnly.init(null, trustManagers(), null);
        withoutCert = HttpClient.newBuilder().sslContext(trustOnly).build();
    }

    static javax.net.ssl.TrustManager[] trustManagers() throws Exception {
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", pki.ca);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    static HttpResponse<String> get(HttpClient c, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void clientCertificateAuthenticatesOnAnMtlsRoute() throws Exception {
        HttpResponse<String> r = get(withCert, "/machines/x");
        assertEquals(200, r.statusCode(), r.body());
        Map<String, String> h = TestWorld.echoedHeaders(r);
        assertEquals("mtls", h.get("x-aegis-auth"));
        assertEquals("CN=batch-job", h.get("x-aegis-subject"));
        assertEquals("https", h.get("x-forwarded-proto"));
        assertTrue(r.headers().firstValue("Strict-Transport-Security").isPresent());
    }

    @Test
    void mtlsRouteWithoutACertificateIsRefused() throws Exception {
        assertEquals(401, get(withoutCert, "/machines/x").statusCode());
    }

    @Test
    void certificateBoundTokenIsAcceptedOnlyWithItsCertificate() throws Exception {
        String token = issuer.token(issuer.claims("batch").claim("cnf",
                Map.of("x5t#S256", Authenticator.thumbprint(client.certificate()))));
        assertEquals(200, get(withCert, "/api/x", "Authorization", "Bearer " + token).statusCode());
        assertEquals(401, get(withoutCert, "/api/x", "Authorization", "Bearer " + token).statusCode(),
                "a stolen certificate-bound token is useless without the private key");
    }
}
