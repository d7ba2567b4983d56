package dev.aegis.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate-bound access tokens (RFC 8705 §3) over real mTLS: a token requested over a TLS connection with a
 * client certificate carries {@code cnf.x5t#S256} of that certificate, and /userinfo accepts it only over a
 * connection with the same certificate.
 */
class CertificateBoundTokenTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void tokenIssuedOverMtlsIsBoundToTheClientCertificate() throws Exception {
        TestCertificates ca = TestCertificates.selfSignedCa("aegis-test-ca");
        TestCertificates serverCert = ca.issue("aegis");
        TestCertificates clientCert = ca.issue("orders-service");
        TestCertificates otherCert = ca.issue("other-service");
        serverCert.writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        Files.writeString(dir.resolve("ca.pem"), TestCertificates.pem(ca.certificate()));
        var config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "data-dir", dir.resolve("data").toString(), "server.port", "0", "server.shutdown-grace", "1s",
                "server.tls.enabled", "true", "server.tls.certificate", dir.resolve("server.pem").toString(),
                "server.tls.private-key", dir.resolve("server.key").toString(),
                "server.tls.client-ca", dir.resolve("ca.pem").toString(), "server.tls.client-auth", "optional"));
        try (AegisServer server = AegisServer.start(config, Clock.systemUTC())) {
            String admin = server.bootstrapCredential().orElseThrow();
            HttpClient bound = client(ca, clientCert);
            HttpResponse<String> created = bound.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/clients"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\":\"orders\",\"scopes\":[\"openid\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String secret = JSON.readTree(created.body()).get("client_secret").asText();

            HttpResponse<String> token = bound.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth2/token"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("orders:" + secret).getBytes()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, token.statusCode(), token.body());
            JsonNode body = JSON.readTree(token.body());
            Map<String, Object> cnf = SignedJWT.parse(body.get("access_token").asText()).getJWTClaimsSet().getJSONObjectClaim("cnf");
            String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(clientCert.certificate().getEncoded()));
            assertEquals(expected, cnf.get("x5t#S256"));
            assertNull(cnf.get("jkt"));

            String accessToken = body.get("access_token").asText();
            String boundRefusal = "bound to another client certificate";
            HttpResponse<String> right = userinfo(bound, server, accessToken);
            assertFalse(right.body().contains(boundRefusal), "right certificate: past the binding check (then refused "
                    + "only because a client credentials token names no user)");
            HttpResponse<String> other = userinfo(client(ca, otherCert), server, accessToken);
            assertEquals(401, other.statusCode());
            assertTrue(other.body().contains(boundRefusal), "another certificate: refused by the binding");
            HttpResponse<String> none = userinfo(client(ca, null), server, accessToken);
            assertEquals(401, none.statusCode());
            assertTrue(none.body().contains(boundRefusal), "no certificate: refused by the binding");
        }
    }

    private static HttpResponse<String> userinfo(HttpClient client, AegisServer server, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/userinfo"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient client(TestCertificates ca, TestCertificates identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trustFactory = TrustManagerFactory.getInstance("PKIX");
        trustFactory.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (identity != null) {
            keys.setKeyEntry("client", identity.keys().getPrivate(), new char[0], new Certificate[] {identity.certificate()});
        }
        KeyManagerFactory keyFactory = KeyManagerFactory.getInstance("PKIX");
        keyFactory.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }
}
