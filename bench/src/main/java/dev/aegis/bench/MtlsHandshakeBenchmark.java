package dev.aegis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SPIFFE mTLS handshakes per second on loopback, both ends on the SDK's key and trust managers (chain, SPIFFE
 * ID allow-list, revocation and pin checks on every full handshake): a TCP connect, the TLS 1.3 handshake with
 * client certificate, one byte each way, close. {@code full} empties the client's session before each
 * connection; {@code resumed} reuses it (PSK resumption from the server's session cache, no certificate checks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MtlsHandshakeBenchmark {

    @Param({"accp", "jdk"})
    public String provider;

    private SSLContext client;
    private SSLServerSocket server;
    private int port;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Providers.select(provider);
        BenchCa ca = new BenchCa();
        client = ca.context("/client", "/server");
        SSLContext serverContext = ca.context("/server", "/client");
        server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 512, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        port = server.getLocalPort();
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) server.accept();
                    s.setTcpNoDelay(true);
                    Thread.ofVirtual().start(() -> echoOne(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void echoOne(SSLSocket s) {
        try (s) {
            int b = s.getInputStream().read();
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
        } catch (IOException e) {
            // client went away
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        server.close();
    }

    private int roundTrip(boolean fresh) throws IOException {
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(42);
            out.flush();
            InputStream in = s.getInputStream();
            int b = in.read();
            if (fresh) {
                s.getSession().invalidate();
            }
            return b;
        }
    }

    @Benchmark
    public int full() throws IOException {
        return roundTrip(true);
    }

    @Benchmark
    public int resumed() throws IOException {
        return roundTrip(false);
    }
}
