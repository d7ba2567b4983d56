package dev.aegis.pki.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.aegis.pki.internal.CertificateMint;
import dev.aegis.sdk.api.mtls.PinPolicy;
import dev.aegis.sdk.api.mtls.SpiffeKeyManager;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Federation over a real HTTPS bundle endpoint of a foreign trust domain; the first fetch is pinned by SPKI. */
class FederationsTest {

    @TempDir
    Path dir;

    static final TrustDomain PARTNER = TrustDomain.of("partner.example");

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void foreignBundleIsFetchedOnlyWhenTheEndpointMatchesThePin(PkiFixture.Db db) throws Exception {
        CertificateMint.Generation partnerCa = CertificateMint.newGeneration(PARTNER, 1, Instant.now(), Instant.now().plus(Duration.ofDays(2)));
        TrustBundle partnerBundle = new TrustBundle(PARTNER, List.of(partnerCa.root()), List.of(), 7, Duration.ofMinutes(5));
        KeyPair keys = CertificateMint.newKeyPair();
        X509Svid endpointSvid = X509Svid.of(List.of(CertificateMint.leaf(partnerCa.intermediate(), partnerCa.intermediateKey(),
                keys.getPublic(), PARTNER.id("/bundle-endpoint"), List.of("localhost"), Instant.now(),
                Instant.now().plus(Duration.ofHours(1))), partnerCa.intermediate()), keys.getPrivate());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(new KeyManager[] {new SpiffeKeyManager(endpointSvid)}, null, null);
        HttpsServer endpoint = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setHttpsConfigurator(new HttpsConfigurator(tls));
        endpoint.createContext("/bundle", exchange -> {
            byte[] body = partnerBundle.toJson().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
        try (PkiFixture f = PkiFixture.open(db, dir, TestClock.atSystemNow())) {
            Federations federations = new Federations(f.store, f.audit, TestClock.atSystemNow(), PkiFixture.DOMAIN);
            URI url = URI.create("https://127.0.0.1:" + endpoint.getAddress().getPort() + "/bundle");
            String wrongPin = PinPolicy.pinOf(f.ca.generations().getFirst().root());
            assertThrows(IOException.class, () -> federations.add(PARTNER, url, wrongPin, "admin"));
            assertTrue(federations.bundles().isEmpty(), "nothing is trusted after a failed, unauthenticated fetch");
            assertEquals(1, f.auditCount("pki.federation.add", "DENY"));

            TrustBundle fetched = federations.add(PARTNER, url, PinPolicy.pinOf(endpointSvid.leaf()), "admin");
            assertEquals(7, fetched.sequence());
            assertEquals(List.of(partnerCa.root()), federations.bundles().get(PARTNER).x509Authorities());
            // Survives a restart of the node: the bundle is stored.
            Federations reopened = new Federations(f.store, f.audit, TestClock.atSystemNow(), PkiFixture.DOMAIN);
            assertEquals(List.of(partnerCa.root()), reopened.bundles().get(PARTNER).x509Authorities());
            assertThrows(IllegalArgumentException.class, () -> federations.add(PkiFixture.DOMAIN, url, wrongPin, "admin"));
            assertTrue(federations.remove(PARTNER, "admin"));
            assertTrue(federations.bundles().isEmpty());
        } finally {
            endpoint.stop(0);
        }
    }
}
