package dev.aegis.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the control plane's event stream ({@code GET /events/v1/stream?topics=token.revoked,apikey.revoked},
 * server-sent events, WHATWG HTML §9.2) from an edge gateway that does not run in the same process: each
 * event is handed to the listener; on a dropped connection it reconnects with {@code Last-Event-ID} so no
 * revocation is missed, backing off up to 10 s. Runs on one virtual thread. Thread-safe.
 */
final class SseRevocationFeed implements AutoCloseable {

    /** Receives one platform event. */
    interface Listener {
        void event(String topic, String subject, Map<String, String> attributes);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SseRevocationFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI stream;
    private final HttpClient http;
    private final Listener listener;
    private final Thread thread;
    private volatile String lastEventId;
    private volatile boolean closed;
    private volatile InputStream current;

    private final String bearer;

    SseRevocationFeed(URI eventsUrl, HttpClient http, String bearer, Listener listener) {
        this.bearer = bearer;
        String base = eventsUrl.toString();
        this.stream = URI.create(base + (base.contains("?") ? "&" : "?") + "topics=token.revoked,apikey.revoked");
        this.http = http;
        this.listener = listener;
        this.thread = Thread.ofVirtual().name("gw-revocation-feed").start(this::run);
    }

    private void run() {
        long backoff = 200;
        while (!closed) {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").GET();
                if (bearer != null) {
                    b.header("Authorization", "Bearer " + bearer);
                }
                if (lastEventId != null) {
                    b.header("Last-Event-ID", lastEventId);
                }
                HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    throw new IOException("event stream answered HTTP " + r.statusCode());
                }
                current = r.body();
                backoff = 200;
                read(r.body());
            } catch (IOException e) {
                if (!closed) {
                    LOG.atWarn().setMessage("revocation stream interrupted; reconnecting").addKeyValue("error", e.getMessage()).log();
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(10_000, backoff * 2);
        }
    }

    private void read(InputStream body) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    dispatch(id, event, data.toString());
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).strip());
                }
            }
        }
    }

    private void dispatch(String id, String event, String data) {
        if (data.isEmpty()) {
            return;
        }
        try {
            JsonNode n = JSON.readTree(data);
            String topic = n.hasNonNull("topic") ? n.get("topic").asText() : event;
            String subject = n.hasNonNull("subject") ? n.get("subject").asText() : null;
            Map<String, String> attributes = new HashMap<>();
            JsonNode attrs = n.get("attributes");
            if (attrs != null && attrs.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    attributes.put(e.getKey(), e.getValue().asText());
                }
            }
            if (topic != null && subject != null) {
                listener.event(topic, subject, attributes);
            }
            if (id != null) {
                lastEventId = id;
            }
        } catch (IOException | RuntimeException e) {
            LOG.atDebug().setMessage("unreadable event skipped").log();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
