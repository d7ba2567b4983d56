package dev.aegis.sdk.api.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to the Aegis platform event stream ({@code GET /events/v1/stream}, server-sent events): the
 * revocations and changes a service must act on within a second.
 *
 * <p>The feed runs on one virtual thread. It reconnects by itself after any failure (backoff from 100 ms to 5 s)
 * and resumes with {@code Last-Event-ID}, so no event is lost or delivered twice while the server retains it.
 * The first connection replays every retained event of the chosen topics, then the server marks the client
 * caught up ({@link #awaitCaughtUp}): a token verifier waits for that before it accepts its first token, so a
 * revocation from before its start is never missed.
 *
 * <p>Listeners run on the feed's thread in stream order and must be quick. Thread-safe.
 */
public final class EventFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
    static final String READY_EVENT = "stream.ready";
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int MAX_LINE = 16 * 1024;

    private final HttpClient http;
    private final URI streamUri;
    private final Supplier<String> bearer;
    private final List<Consumer<StreamEvent>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile long lastEventId;
    private volatile boolean connected;
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;
    private volatile InputStream current;
    private Thread worker;

    private EventFeed(HttpClient http, URI streamUri, Supplier<String> bearer) {
        this.http = http;
        this.streamUri = streamUri;
        this.bearer = bearer;
    }

    /**
     * Starts a feed.
     *
     * @param http      the client (for mTLS to the control plane, one built with the workload's SSLContext)
     * @param baseUri   the control plane, e.g. {@code https://aegis.internal:8443}
     * @param topics    topic prefixes such as {@code token.revoked}; none for every topic
     * @param bearer    supplies the credential for each (re)connection (an access token with the events scope)
     * @param listener  receives each event
     * @return the running feed; close it to stop
     */
    public static EventFeed start(HttpClient http, URI baseUri, List<String> topics, Supplier<String> bearer,
                                  Consumer<StreamEvent> listener) {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(bearer, "bearer");
        String query = topics.isEmpty() ? ""
                : "?topics=" + URLEncoder.encode(String.join(",", topics), StandardCharsets.UTF_8);
        EventFeed feed = new EventFeed(http, baseUri.resolve("/events/v1/stream" + query), bearer);
        feed.listeners.add(Objects.requireNonNull(listener, "listener"));
        feed.worker = Thread.ofVirtual().name("aegis-event-feed").start(feed::run);
        return feed;
    }

    /** Adds a listener for events from now on. */
    public void addListener(Consumer<StreamEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Waits until the first connection has replayed every retained event.
     *
     * @return whether it did within {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return whether the feed is connected now (a gateway or service may report it in its readiness) */
    public boolean connected() {
        return connected;
    }

    /**
     * @return how many connections the feed has opened so far; a cache invalidated by events compares it to
     *         notice a reconnection (events may have been missed between the two connections until the replay)
     */
    public long connections() {
        return connections.get();
    }

    /** @return the sequence of the last event received, 0 before the first */
    public long lastEventId() {
        return lastEventId;
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        while (!closed) {
            try {
                if (readOnce()) {
                    backoff = MIN_BACKOFF; // a connection that delivered resets the backoff
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.atDebug().addKeyValue("error", e.toString()).log("event feed disconnected");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                connected = false;
            }
            if (closed) {
                return;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** @return whether the connection got as far as the server's ready marker */
    private boolean readOnce() throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(streamUri)
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + bearer.get());
        if (lastEventId > 0) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        HttpResponse<InputStream> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                LOG.atWarn().addKeyValue("status", response.statusCode()).log("event stream refused the connection");
                return false;
            }
            current = body;
            connections.incrementAndGet();
            connected = true;
            return readEvents(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
        } finally {
            current = null;
        }
    }

    private boolean readEvents(BufferedReader lines) throws IOException {
        boolean ready = false;
        String id = null;
        String event = null;
        String data = null;
        String line;
        while ((line = lines.readLine()) != null && !closed) {
            if (line.length() > MAX_LINE) {
                throw new IOException("event stream line exceeds " + MAX_LINE + " characters");
            }
            if (line.isEmpty()) {
                if (READY_EVENT.equals(event)) {
                    ready = true;
                    caughtUp.countDown();
                } else if (id != null && event != null && data != null) {
                    dispatch(StreamEvent.parse(Long.parseLong(id), event, data));
                }
                id = null;
                event = null;
                data = null;
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            }
            // comments (":") and unknown fields are ignored, as the SSE processing model says
        }
        return ready;
    }

    private void dispatch(StreamEvent event) {
        if (event.sequence() <= lastEventId) {
            return; // already seen on an earlier connection
        }
        for (Consumer<StreamEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("topic", event.topic()).addKeyValue("error", e.toString())
                        .log("event listener failed");
            }
        }
        lastEventId = event.sequence();
    }

    /** Stops the feed and its connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        InputStream body = current;
        if (body != null) {
            try {
                body.close();
            } catch (IOException e) {
                LOG.atDebug().addKeyValue("error", e.toString()).log("closing the event stream failed");
            }
        }
        if (worker != null) {
            worker.interrupt();
        }
    }
}
