package dev.aegis.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.PlatformEvent;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events/v1/stream}: the platform event stream ({@link EventBus}) as server-sent events (HTML
 * Living Standard §9.2), which gateways and SDKs subscribe to for revocations and changes.
 *
 * <p>Query {@code topics} is a comma-separated list of topic prefixes (absent: every topic). A client resumes
 * with the standard {@code Last-Event-ID} header (or {@code after=N}); without either it is replayed every
 * retained event first, so a gateway that starts late still learns every revocation that matters. Each event
 * is {@code id: <sequence>}, {@code event: <topic>}, {@code data: <JSON>}. Comment lines keep idle
 * connections alive and let the server notice clients that left. After the replay, one {@code stream.ready}
 * event (no id) tells the client it has caught up.
 *
 * <p>No silent loss: a client too slow to drain its bounded queue is disconnected and resumes from its last id.
 */
public final class EventStreamApi {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreamApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Room for a full replay (EventBus replays at most 100,000) plus a burst; allocated only as it fills. */
    static final int QUEUE_CAPACITY = 110_000;
    static final int MAX_STREAMS = 10_000;
    private static final int MAX_TOPICS = 32;
    private static final Duration POLL = Duration.ofMillis(250);
    /** Sent once per connection after the replay: {@value #READY_EVENT} with no id (it is not a stream position). */
    static final String READY_EVENT = "stream.ready";
    private static final byte[] READY = ("event: " + READY_EVENT + "\ndata: {}\n\n").getBytes(StandardCharsets.UTF_8);

    private final EventBus events;
    private final Predicate<String> acceptsBearer;
    private final Duration heartbeat;
    private final BooleanSupplier serving;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);

    /**
     * @param acceptsBearer whether a bearer credential may read the stream (constant-time checks inside)
     * @param heartbeat     how often an idle stream gets a keep-alive comment
     * @param serving       false once shutdown has begun: open streams end (within {@link #POLL}) so the
     *                      listener can drain, and clients reconnect to another node
     */
    public EventStreamApi(EventBus events, Predicate<String> acceptsBearer, Duration heartbeat, BooleanSupplier serving) {
        this.events = events;
        this.acceptsBearer = acceptsBearer;
        this.heartbeat = heartbeat;
        this.serving = serving;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/events/v1/stream", this::stream);
    }

    private void stream(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        Optional<String> authorization = request.headers().first(HeaderNames.AUTHORIZATION);
        Optional<String> credential = BearerToken.of(authorization);
        if (credential.isEmpty() || !acceptsBearer.test(credential.get())) {
            BearerToken.challenge(response, authorization.isPresent());
            Problem.send(response, Status.UNAUTHORIZED_401, "A valid credential is required for the event stream.");
            return;
        }
        List<String> topics;
        long after;
        try {
            topics = topics(request.query().first("topics").orElse(""));
            after = resumePoint(request);
        } catch (IllegalArgumentException e) {
            Problem.send(response, Status.BAD_REQUEST_400, e.getMessage());
            return;
        }
        if (!streams.tryAcquire()) {
            response.header(HeaderNames.RETRY_AFTER, "5");
            Problem.send(response, Status.SERVICE_UNAVAILABLE_503, "Too many event streams are open; retry later.");
            return;
        }
        try {
            serve(response, topics, after);
        } finally {
            streams.release();
        }
    }

    private void serve(ServerResponse response, List<String> topics, long after) {
        BlockingQueue<PlatformEvent> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
        AtomicBoolean overflowed = new AtomicBoolean();
        response.status(Status.OK_200);
        response.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        try (EventBus.Subscription ignored = events.subscribe("", after, event -> {
                 if (matches(topics, event) && !queue.offer(event)) {
                     overflowed.set(true);
                 }
             });
             OutputStream out = response.outputStream()) {
            out.write(": aegis event stream\n\n".getBytes(StandardCharsets.UTF_8));
            // The replay was queued synchronously by subscribe: send it, then mark that the client is caught up,
            // so a verifier can wait for every retained revocation before it accepts its first token.
            int replayed = queue.size();
            PlatformEvent old;
            for (int i = 0; i < replayed && (old = queue.poll()) != null; i++) {
                out.write(frame(old));
            }
            out.write(READY);
            out.flush();
            long lastWrite = System.nanoTime();
            while (!overflowed.get() && serving.getAsBoolean()) {
                PlatformEvent event = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (event == null) {
                    if (System.nanoTime() - lastWrite < heartbeat.toNanos()) {
                        continue;
                    }
                    out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(frame(event));
                    PlatformEvent next;
                    while ((next = queue.poll()) != null) { // drain a burst before flushing once
                        out.write(frame(next));
                    }
                }
                out.flush();
                lastWrite = System.nanoTime();
            }
            if (overflowed.get()) {
                LOG.atInfo().log("event stream client too slow; disconnected so it resumes from its last id");
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.atDebug().addKeyValue("error", e.toString()).log("event stream client left");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] frame(PlatformEvent event) {
        ObjectNode data = JSON.createObjectNode();
        data.put("seq", event.sequence());
        data.put("topic", event.topic());
        data.put("subject", event.subject());
        ObjectNode attributes = data.putObject("attributes");
        event.attributes().forEach(attributes::put);
        data.put("occurred_at", event.occurredAt().toString());
        // JSON text never contains a raw newline, so one data line suffices.
        return ("id: " + event.sequence() + "\nevent: " + event.topic() + "\ndata: " + data + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static boolean matches(List<String> topics, PlatformEvent event) {
        if (topics.isEmpty()) {
            return true;
        }
        for (int i = 0; i < topics.size(); i++) {
            if (event.hasTopicPrefix(topics.get(i))) {
                return true;
            }
        }
        return false;
    }

    static List<String> topics(String query) {
        if (query.isBlank()) {
            return List.of();
        }
        String[] parts = query.split(",", -1);
        if (parts.length > MAX_TOPICS) {
            throw new IllegalArgumentException("At most " + MAX_TOPICS + " topics may be named.");
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 128 || !part.chars().allMatch(c -> (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
                throw new IllegalArgumentException("Topics are comma-separated names of a-z, 0-9, '.', '_' and '-'.");
            }
        }
        return List.of(parts);
    }

    private static long resumePoint(ServerRequest request) {
        Optional<String> lastId = request.headers().first(HeaderNames.create("Last-Event-ID"));
        String value = lastId.orElseGet(() -> request.query().first("after").orElse("0"));
        try {
            long n = Long.parseLong(value.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Last-Event-ID / after must be a non-negative event sequence number.");
        }
    }
}
