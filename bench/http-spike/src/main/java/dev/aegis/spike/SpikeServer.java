package dev.aegis.spike;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Entry point of the HTTP stack spike: {@code SpikeServer <helidon|netty|jetty> <port> <plain|tls|mtls> <certDir>}.
 *
 * <p>Every stack answers {@code GET /hello} with the same 13-byte body ({@code Hello, World!}),
 * {@code Content-Type: text/plain}, HTTP/1.1 keep-alive; anything else is a 404. In {@code tls} mode the
 * listener speaks TLS 1.3 only with a P-256 certificate; in {@code mtls} mode it also requires a client
 * certificate that chains to {@code client-trust.p12}. All three use the JDK's JSSE (SunJSSE) engine, so the
 * comparison is of the HTTP stacks, not of TLS libraries.
 */
public final class SpikeServer {
    static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    static final String PATH = "/hello";
    static final char[] PASSWORD = "changeit".toCharArray();

    enum Mode { PLAIN, TLS, MTLS }

    interface Running { void stop() throws Exception; }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: SpikeServer <helidon|netty|jetty> <port> <plain|tls|mtls> <certDir>");
            System.exit(2);
        }
        String stack = args[0];
        int port = Integer.parseInt(args[1]);
        Mode mode = Mode.valueOf(args[2].toUpperCase(java.util.Locale.ROOT));
        SSLContext ssl = mode == Mode.PLAIN ? null : sslContext(Path.of(args[3]), mode == Mode.MTLS);
        Running running = switch (stack) {
            case "helidon" -> HelidonHello.start(port, ssl, mode == Mode.MTLS);
            case "netty" -> NettyHello.start(port, ssl, mode == Mode.MTLS);
            case "jetty" -> JettyHello.start(port, ssl, mode == Mode.MTLS);
            default -> throw new IllegalArgumentException("unknown stack " + stack);
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.stop();
            } catch (Exception e) {
                System.err.println("stop failed: " + e);
            }
        }));
        System.out.println("READY " + stack + " " + mode + " port=" + port + " java=" + Runtime.version());
        Thread.currentThread().join();
    }

    /** A TLS 1.3 context from {@code server.p12}; with {@code clientAuth}, trust anchors from {@code client-trust.p12}. */
    static SSLContext sslContext(Path certDir, boolean clientAuth) throws Exception {
        KeyStore keys = load(certDir.resolve("server.p12"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(certDir.resolve("client-trust.p12")));
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), clientAuth ? tmf.getTrustManagers() : null, null);
        return context;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private SpikeServer() {
    }
}
