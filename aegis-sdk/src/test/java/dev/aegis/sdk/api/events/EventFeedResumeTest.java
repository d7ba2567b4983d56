package dev.aegis.sdk.api.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The event feed (the edge gateway's revocation client, and every service's) against an HTTP server speaking the control plane's SSE framing
 * ({@code id:}, {@code event:}, {@code data: {"seq","topic","subject","attributes"}}): events reach the
 * listener, and a dropped stream resumes with {@code Last-Event-ID}.
 */
class EventFeedResumeTest {

    @Test
    void revocationsArriveAndADroppedStreamResumesFromTheLastEventId() throws Exception {
        List<String> lastEventIds = new CopyOnWriteArrayList<>();
        List<String> bearers = new CopyOnWriteArrayList<>();
        AtomicInteger connections = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/events/v1/stream", ex -> {
            lastEventIds.add(String.valueOf(ex.getRequestHeaders().getFirst("Last-Event-ID")));
            bearers.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            int n = connections.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                String frame = n == 1
                        ? ": aegis event stream\n\nid: 7\nevent: token.revoked\ndata: {\"seq\":7,\"topic\":\"token.revoked\",\"subject\":\"jti-1\",\"attributes\":{\"exp\":\"4102444800\"}}\n\n"
                        : "id: 8\nevent: apikey.revoked\ndata: {\"seq\":8,\"topic\":\"apikey.revoked\",\"subject\":\"key-9\",\"attributes\":{}}\n\n";
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (n > 1) {
                    Thread.sleep(5000); // keep the second stream open
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        List<String> received = new CopyOnWriteArrayList<>();
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events/v1/stream");
        try (EventFeed feed = EventFeed.start(HttpClient.newHttpClient(), url, List.of("token.revoked", "apikey.revoked"),
                () -> "cp-credential", e -> received.add(e.topic() + " " + e.subject() + " " + e.attributes().get("exp")))) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            server.stop(0);
        }
        assertEquals(List.of("token.revoked jti-1 4102444800", "apikey.revoked key-9 null"), received);
        assertEquals("null", lastEventIds.get(0));
        assertEquals("7", lastEventIds.get(1), "resumed after the last event it saw");
        assertTrue(bearers.get(0).equals("Bearer cp-credential"));
    }
}
