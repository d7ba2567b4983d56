package dev.aegis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.store.api.PlatformEvent;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The platform event stream as server-sent events over real HTTP. */
class EventStreamApiTest {
    @TempDir
    Path dataDir;

    @Test
    void revocationReachesASubscribedClientAndAResumingClientGetsOnlyWhatItMissed() throws Exception {
        try (AegisServer server = TestServers.start(dataDir)) {
            String credential = server.bootstrapCredential().orElseThrow();
            long before = server.events().publish(PlatformEvent.SVID_REVOKED, "01ab", Map.of());
            try (EventReader reader = EventReader.open(server, "/events/v1/stream?topics=token.", "Authorization",
                    "Bearer " + credential, "Last-Event-ID", Long.toString(before))) {
                assertEquals("event: stream.ready", reader.nextEvent().get(0), "nothing to replay");
                long published = server.events().publish(PlatformEvent.TOKEN_REVOKED, "jti-42", Map.of("exp", "1767225600"));
                List<String> frame = reader.nextEvent();
                assertEquals("id: " + published, frame.get(0));
                assertEquals("event: token.revoked", frame.get(1));
                assertTrue(frame.get(2).contains("\"subject\":\"jti-42\""), frame.get(2));
                assertTrue(frame.get(2).contains("\"exp\":\"1767225600\""), frame.get(2));
            }
            // A client that saw nothing since "before" is replayed the token event, and not the svid event it filtered out.
            try (EventReader reader = EventReader.open(server, "/events/v1/stream?topics=token.revoked,workload.",
                    "Authorization", "Bearer " + credential, "Last-Event-ID", "0")) {
                assertTrue(reader.nextEvent().get(2).contains("jti-42"));
                assertEquals(List.of("event: stream.ready", "data: {}"), reader.nextEvent(), "caught up after the replay");
            }
        }
    }

    @Test
    void theStreamRequiresACredentialAndRefusesBadParameters() throws Exception {
        try (AegisServer server = TestServers.start(dataDir)) {
            String credential = server.bootstrapCredential().orElseThrow();
            HttpResponse<String> none = TestServers.get(server, "/events/v1/stream");
            assertEquals(401, none.statusCode());
            HttpResponse<String> wrong = TestServers.get(server, "/events/v1/stream", "Authorization", "Bearer aegis_bootstrap_nope");
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));

            HttpResponse<String> badTopic = TestServers.get(server, "/events/v1/stream?topics=Token%0AX",
                    "Authorization", "Bearer " + credential);
            assertEquals(400, badTopic.statusCode());
            assertFalse(badTopic.body().contains("Token"), "the bad input is not echoed");
            HttpResponse<String> badId = TestServers.get(server, "/events/v1/stream",
                    "Authorization", "Bearer " + credential, "Last-Event-ID", "-5");
            assertEquals(400, badId.statusCode());
            assertEquals("application/problem+json", badId.headers().firstValue("Content-Type").orElseThrow());
        }
    }

    /** Reads server-sent events line by line from a live response. */
    private static final class EventReader implements AutoCloseable {
        private final InputStream body;
        private final BufferedReader lines;

        private EventReader(InputStream body) {
            this.body = body;
            this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        static EventReader open(AegisServer server, String path, String... headers) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).headers(headers).build();
            HttpResponse<InputStream> response = TestServers.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
            return new EventReader(response.body());
        }

        /** @return the lines of the next event (comments skipped), within 5 s */
        List<String> nextEvent() throws Exception {
            return CompletableFuture.supplyAsync(() -> {
                List<String> frame = new ArrayList<>();
                try {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith(":")) {
                            continue;
                        }
                        if (line.isEmpty()) {
                            if (!frame.isEmpty()) {
                                return frame;
                            }
                            continue;
                        }
                        frame.add(line);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return frame;
            }).get(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }
}
