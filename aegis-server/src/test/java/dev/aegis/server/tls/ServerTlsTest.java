package dev.aegis.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS over real handshakes on loopback, and a live certificate swap without a restart. */
class ServerTlsTest {
    @TempDir
    Path dir;

    @Test
    void reloadServesTheNewCertificateFromTheNextHandshakeWithoutRestart() throws Exception {
        TestCertificates ca = TestCertificates.selfSignedCa("test-ca");
        TestCertificates first = ca.issue("first");
        TestCertificates second = ca.issue("second");
        ServerTls tls = ServerTls.create(List.of(first.certificate()), first.keys().getPrivate(), List.of());
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .tls(Tls.builder().sslContext(tls.sslContext()).build())
                .routing(routing -> routing.get("/", (request, response) -> response.send("ok")))
                .build().start();
        try {
            SSLContext client = clientContext(ca.certificate(), null);
            assertEquals(first.certificate(), serverCertificate(client, server.port()));

            tls.reload(List.of(second.certificate()), second.keys().getPrivate(), List.of());

            assertEquals(second.certificate(), serverCertificate(client, server.port()));
        } finally {
            server.stop();
        }
    }

    @Test
    void mutualTlsAcceptsATrustedClientAndRefusesOneWithoutCertificate() throws Exception {
        TestCertificates ca = TestCertificates.selfSignedCa("aegis-test-ca");
        TestCertificates serverCert = ca.issue("aegis");
        TestCertificates clientCert = ca.issue("client");
        TestCertificates stranger = TestCertificates.selfSignedCa("stranger-ca").issue("stranger");
        serverCert.writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        java.nio.file.Files.writeString(dir.resolve("ca.pem"), TestCertificates.pem(ca.certificate()));

        var config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "data-dir", dir.resolve("data").toString(), "server.port", "0", "pki.mtls.port", "0", "server.shutdown-grace", "1s",
                "server.tls.enabled", "true",
                "server.tls.certificate", dir.resolve("server.pem").toString(),
                "server.tls.private-key", dir.resolve("server.key").toString(),
                "server.tls.client-ca", dir.resolve("ca.pem").toString(),
                "server.tls.client-auth", "required"));
        try (AegisServer server = AegisServer.start(config, Clock.systemUTC())) {
            assertEquals("https://127.0.0.1:" + server.port(), server.baseUrl());

            String response = httpGet(clientContext(ca.certificate(), clientCert), server.port(), "/healthz");
            assertEquals("HTTP/1.1 200 OK", response);

            assertThrows(IOException.class, () -> httpGet(clientContext(ca.certificate(), null), server.port(), "/healthz"),
                    "a client without a certificate must not get a response");
            assertThrows(IOException.class, () -> httpGet(clientContext(ca.certificate(), stranger), server.port(), "/healthz"),
                    "a client certificate from an untrusted CA must not get a response");
        }
    }

    private static X509Certificate serverCertificate(SSLContext client, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }

    private static String httpGet(SSLContext client, int port, String path) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
            if (statusLine == null) {
                // TLS 1.3 reports a refused client certificate only when the client reads: no bytes = refused.
                throw new IOException("connection closed without a response");
            }
            return statusLine;
        }
    }

    private static SSLContext clientContext(X509Certificate trusted, TestCertificates clientIdentity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory trustFactory = TrustManagerFactory.getInstance("PKIX");
        trustFactory.init(trust);
        KeyManagerFactory keyFactory = KeyManagerFactory.getInstance("PKIX");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (clientIdentity != null) {
            keys.setKeyEntry("client", clientIdentity.keys().getPrivate(), new char[0],
                    new Certificate[] {clientIdentity.certificate()});
        }
        keyFactory.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
        return context;
    }
}
