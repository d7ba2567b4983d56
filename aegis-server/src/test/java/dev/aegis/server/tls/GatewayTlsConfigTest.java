package dev.aegis.server.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway.tls.*}: the gateway's own TLS listener with optional client certificates, from aegis.yaml keys. */
class GatewayTlsConfigTest {

    @TempDir
    Path dir;

    @Test
    void gatewayListenerServesTlsAndAuthenticatesClientCertificatesOnMtlsRoutes() throws Exception {
        TestCertificates ca = TestCertificates.selfSignedCa("gw-test-ca");
        TestCertificates serverCert = ca.issue("gateway");
        TestCertificates clientCert = ca.issue("batch");
        serverCert.writePem(dir.resolve("gw.pem"), dir.resolve("gw.key"));
        Files.writeString(dir.resolve("ca.pem"), TestCertificates.pem(ca.certificate()));
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            byte[] b = ex.getRequestHeaders().getFirst("X-Aegis-Subject").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        upstream.start();
        Path routes = dir.resolve("routes.yaml");
        Files.writeString(routes, """
                routes:
                  - id: machines
                    match: { path-prefix: /machines }
                    upstream: { targets: ["http://127.0.0.1:%d"] }
                    auth: { methods: [mtls] }
                """.formatted(upstream.getAddress().getPort()));
        var config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "data-dir", dir.resolve("data").toString(), "server.port", "0", "server.shutdown-grace", "1s",
                "gateway.routes-file", routes.toString(), "gateway.port", "0",
                "gateway.tls.enabled", "true",
                "gateway.tls.certificate", dir.resolve("gw.pem").toString(),
                "gateway.tls.private-key", dir.resolve("gw.key").toString(),
                "gateway.tls.client-ca", dir.resolve("ca.pem").toString(),
                "gateway.tls.client-auth", "optional"));
        try (AegisServer server = AegisServer.start(config, Clock.systemUTC())) {
            int port = server.gatewayPort().orElseThrow();
            String withCert = get(context(ca, clientCert), port);
            assertTrue(withCert.startsWith("HTTP/1.1 200"), withCert);
            assertTrue(withCert.endsWith("CN=batch"), withCert);
            assertTrue(get(context(ca, null), port).startsWith("HTTP/1.1 401"));
        } finally {
            upstream.stop(0);
        }
    }

    private static String get(SSLContext client, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /machines/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder all = new StringBuilder();
            String line;
            int length = 0;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                all.append(line).append('\n');
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(body, read, length - read);
            }
            return (all + "\n" + new String(body)).strip();
        }
    }

    private static SSLContext context(TestCertificates ca, TestCertificates identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (identity != null) {
            keys.setKeyEntry("client", identity.keys().getPrivate(), new char[0], new Certificate[] {identity.certificate()});
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
