package dev.aegis.bench;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * N concurrent SPIFFE mTLS connections to a Helidon 4 server whose TLS is the SDK's one-line SSLContext (client
 * SVID required, allow-list, revocation and pin checks): every connection completes its full handshake, then all
 * N are held open at once (a latch) before each sends R HTTP/1.1 keep-alive requests. Prints handshake time,
 * requests per second, latency percentiles and failures. Not JMH: it measures a shape, not a method.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.aegis.bench.ConcurrentMtlsLoad [connections=1000] [requests=20] [accp|jdk]</pre>
 */
public final class ConcurrentMtlsLoad {

    private ConcurrentMtlsLoad() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Providers.select(args.length > 2 ? args[2] : "accp");
        BenchCa ca = new BenchCa();
        SSLContext serverTls = ca.context("/server", "/client");
        SSLContext clientTls = ca.context("/client", "/server");
        AtomicInteger open = new AtomicInteger();
        AtomicInteger maxOpen = new AtomicInteger();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).backlog(4096).maxConcurrentRequests(-1)
                .tls(Tls.builder().sslContext(serverTls).clientAuth(TlsClientAuth.REQUIRED).build())
                .routing(r -> r.get("/", (req, res) -> res.send("ok"))).build().start();
        int port = server.port();
        CountDownLatch connected = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        long[] latencies = new long[connections * requests];
        AtomicInteger latencyIndex = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong handshakeNanos = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (SSLSocket s = (SSLSocket) clientTls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(60_000);
                    long h = System.nanoTime();
                    s.startHandshake();
                    handshakeNanos.addAndGet(System.nanoTime() - h);
                    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    connected.countDown();
                    go.await();
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    byte[] request = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < requests; i++) {
                        long t = System.nanoTime();
                        out.write(request);
                        out.flush();
                        if (!readResponse(in)) {
                            failures.incrementAndGet();
                            return;
                        }
                        latencies[latencyIndex.getAndIncrement()] = System.nanoTime() - t;
                    }
                    open.decrementAndGet();
                } catch (IOException e) {
                    failures.incrementAndGet();
                    connected.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        boolean all = connected.await(120, TimeUnit.SECONDS);
        long handshakesDone = System.nanoTime();
        int held = open.get();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long end = System.nanoTime();
        server.stop();
        int served = latencyIndex.get();
        long[] sorted = Arrays.copyOf(latencies, served);
        Arrays.sort(sorted);
        System.out.printf("connections=%d all-connected=%s held-open-at-once=%d max-open=%d failures=%d%n",
                connections, all, held, maxOpen.get(), failures.get());
        System.out.printf("handshake phase: %.0f ms for %d handshakes (%.0f handshakes/s), mean handshake %.1f ms%n",
                (handshakesDone - start) / 1e6, connections, connections / ((handshakesDone - start) / 1e9),
                handshakeNanos.get() / 1e6 / connections);
        System.out.printf("requests: %d in %.0f ms = %.0f req/s; latency p50=%.2f ms p99=%.2f ms max=%.2f ms%n",
                served, (end - handshakesDone) / 1e6, served / ((end - handshakesDone) / 1e9),
                pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        System.exit(failures.get() == 0 && all ? 0 : 1);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    /** Reads one HTTP/1.1 response with Content-Length; @return whether it was a 200. */
    private static boolean readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int prev3 = 0;
        int prev2 = 0;
        int prev1 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (prev3 == '\r' && prev2 == '\n' && prev1 == '\r' && b == '\n') {
                break;
            }
            prev3 = prev2;
            prev2 = prev1;
            prev1 = b;
        }
        String h = head.toString();
        int cl = h.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        if (cl < 0) {
            return false;
        }
        int len = Integer.parseInt(h.substring(cl + 15, h.indexOf('\r', cl)).strip());
        for (int i = 0; i < len; i++) {
            if (in.read() < 0) {
                return false;
            }
        }
        return h.startsWith("HTTP/1.1 200");
    }
}
