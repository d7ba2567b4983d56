package dev.aegis.gateway.internal;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Slow-client deadlines (slowloris: a header section sent a line at a time; slow POST: a body trickled in).
 * The idle timeout alone does not stop them, since every byte resets it.
 *
 * <p><b>Header section</b>: its clock starts when the previous response on the connection was sent, or, for the
 * first request, when its request line arrived (Helidon bounds the request line to 2 KiB); once the headers are
 * complete the request is out of this watch. A watchdog sweeps the connections that are waiting for headers
 * every quarter deadline and answers a late one {@code 408} (problem+json, RFC 9110 §15.5.9) and closes it.
 * Connections idle after a response are closed by the idle timeout first, or at the deadline.
 *
 * <p><b>Body</b>: {@link #readBody} reads it in chunks and refuses with 408 once the deadline since the end of the
 * headers has passed, checked after every chunk, so a trickle is cut at most one read timeout late.
 *
 * <p>{@link #http1()} installs the HTTP/1 receive and send listeners that track each connection. Thread-safe.
 */
public final class ClientDeadlines implements AutoCloseable {

    /** What {@link #readBody} answers when the body is late. */
    static final Object LATE = new Object();
    private static final byte[] TIMEOUT_RESPONSE = ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
            + "Content-Type: application/problem+json\r\nContent-Length: 61\r\n\r\n"
            + "{\"type\":\"about:blank\",\"title\":\"Request timeout.\",\"status\":408}").getBytes(StandardCharsets.US_ASCII);

    private final long deadlineNanos;
    /** Every watched connection; each registers once (its first request), then only flips its own fields. */
    private final Map<ConnectionContext, Watch> connections = new ConcurrentHashMap<>();
    /** The watch of the connection this thread serves (Helidon serves an HTTP/1 connection on one thread). */
    private final ThreadLocal<Watch> current = new ThreadLocal<>();
    private final LongAdder cut = new LongAdder();
    private final Thread watchdog;
    private volatile boolean closed;

    /** One connection: waiting for a header section since {@code since}, or inside a request. */
    private static final class Watch {
        final ConnectionContext ctx;
        volatile boolean awaitingHeaders;
        volatile long since;

        Watch(ConnectionContext ctx) {
            this.ctx = ctx;
        }
    }

    /** @param deadline for a header section, and separately for a body */
    public ClientDeadlines(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
        Duration period = deadline.dividedBy(4).compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100)
                : deadline.dividedBy(4);
        this.watchdog = Thread.ofVirtual().name("gw-client-deadlines").start(() -> watch(period));
    }

    /** @return the HTTP/1 protocol configuration with this watch's receive and send listeners */
    public Http1Config http1() {
        return Http1Config.builder().addReceiveListener(new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                Watch w = current.get();
                if (w == null || w.ctx != ctx) { // first request of this connection: the clock starts here
                    w = new Watch(ctx);
                    w.since = System.nanoTime();
                    w.awaitingHeaders = true;
                    current.set(w);
                    connections.put(ctx, w);
                }
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                Watch w = current.get();
                if (w != null) {
                    w.awaitingHeaders = false;
                }
            }
        }).addSendListener(new Http1ConnectionListener() {
            @Override
            public void status(ConnectionContext ctx, Status status) {
                Watch w = current.get();
                if (w != null) { // the next request's header clock starts now
                    w.since = System.nanoTime();
                    w.awaitingHeaders = true;
                }
            }
        }).build();
    }

    /** @return how many connections were cut for a late header section */
    public long cutConnections() {
        return cut.sum();
    }

    /**
     * Reads a request body of at most {@code max + 1} bytes (the caller refuses more), within the deadline counted
     * from {@code headersDoneNanos}.
     *
     * @return the bytes, or {@link #LATE}
     */
    Object readBody(InputStream in, int max, long headersDoneNanos) throws IOException {
        byte[] buf = new byte[Math.min(max + 1, 8192)];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(buf.length);
        int n;
        while (out.size() <= max && (n = in.read(buf, 0, Math.min(buf.length, max + 1 - out.size()))) >= 0) {
            out.write(buf, 0, n);
            if (System.nanoTime() - headersDoneNanos > deadlineNanos) {
                return LATE;
            }
        }
        return out.toByteArray();
    }

    private void watch(Duration period) {
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watch w : connections.values()) {
                if (!w.ctx.serverSocket().isConnected()) {
                    connections.remove(w.ctx); // gone: closed by the client, the idle timeout or Connection: close
                } else if (w.awaitingHeaders && now - w.since > deadlineNanos) {
                    connections.remove(w.ctx);
                    timeOut(w.ctx);
                }
            }
        }
    }

    private void timeOut(ConnectionContext ctx) {
        cut.increment();
        try {
            ctx.dataWriter().writeNow(BufferData.create(TIMEOUT_RESPONSE));
        } catch (RuntimeException ignored) {
            // the peer may be gone already; closing is what matters
        }
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
    }
}
