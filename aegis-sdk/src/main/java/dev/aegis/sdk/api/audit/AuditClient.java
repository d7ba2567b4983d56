package dev.aegis.sdk.api.audit;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a service's audit events to the control plane ({@code POST /audit/v1/events}) in batches, off the
 * request path.
 *
 * <p><b>No silent loss.</b> Events wait in a bounded buffer. When it is full, {@link #record} blocks the caller
 * for at most the configured offer timeout (default 50 ms: a brief back-pressure rather than a drop); only then is
 * the event dropped, and every drop is counted ({@link #dropped()}, exported as a metric) and logged. A batch the
 * control plane refuses with 503 or cannot take (network) is retried with backoff and stays in memory meanwhile;
 * 4xx answers (a bug in the event) are counted as rejected and logged, never retried forever.
 *
 * <p>One virtual thread sends. Thread-safe.
 */
public final class AuditClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditClient.class);
    private static final int MAX_BATCH = 500; // the control plane's limit per request

    private final HttpClient http;
    private final URI endpoint;
    private final Supplier<String> bearer;
    private final Settings settings;
    private final BlockingQueue<ServiceAuditEvent> buffer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param capacity     events buffered at most
     * @param batchSize    events per request, 1..500
     * @param flushEvery   the longest an event waits for a fuller batch
     * @param offerTimeout how long {@link #record} may block on a full buffer before dropping
     */
    public record Settings(int capacity, int batchSize, Duration flushEvery, Duration offerTimeout) {
        public Settings {
            if (capacity < 1 || batchSize < 1 || batchSize > MAX_BATCH) {
                throw new IllegalArgumentException("capacity >= 1 and batchSize in 1.." + MAX_BATCH + " required");
            }
            Objects.requireNonNull(flushEvery, "flushEvery");
            Objects.requireNonNull(offerTimeout, "offerTimeout");
        }

        /** 10,000 buffered, batches of 200, flushed every 200 ms, 50 ms of back-pressure. */
        public static Settings defaults() {
            return new Settings(10_000, 200, Duration.ofMillis(200), Duration.ofMillis(50));
        }
    }

    private AuditClient(HttpClient http, URI endpoint, Supplier<String> bearer, Settings settings) {
        this.http = http;
        this.endpoint = endpoint;
        this.bearer = bearer;
        this.settings = settings;
        this.buffer = new ArrayBlockingQueue<>(settings.capacity());
        this.sender = Thread.ofVirtual().name("aegis-audit-client").unstarted(this::run);
    }

    /**
     * @param baseUri the control plane, e.g. {@code https://aegis.internal:8443}
     * @param bearer  supplies the service's credential for each request (a client-credentials token)
     */
    public static AuditClient start(HttpClient http, URI baseUri, Supplier<String> bearer, Settings settings) {
        AuditClient client = new AuditClient(Objects.requireNonNull(http, "http"),
                baseUri.resolve("/audit/v1/events"), Objects.requireNonNull(bearer, "bearer"),
                Objects.requireNonNull(settings, "settings"));
        client.sender.start();
        return client;
    }

    /**
     * Buffers an event for sending; blocks at most the offer timeout when the buffer is full.
     *
     * @return whether the event was buffered (false: dropped and counted)
     */
    public boolean record(ServiceAuditEvent event) {
        Objects.requireNonNull(event, "event");
        try {
            if (!closed && buffer.offer(event, settings.offerTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long n = dropped.incrementAndGet();
        if (Long.bitCount(n) == 1) { // log the 1st, 2nd, 4th, 8th … drop: visible without flooding the log
            LOG.atWarn().addKeyValue("dropped", n).log("audit buffer full: events dropped");
        }
        return false;
    }

    /** @return events the control plane has made durable */
    public long sent() {
        return sent.get();
    }

    /** @return events dropped because the buffer stayed full */
    public long dropped() {
        return dropped.get();
    }

    /** @return events the control plane refused as invalid */
    public long rejected() {
        return rejected.get();
    }

    /** @return batches sent again after a failure */
    public long retries() {
        return retries.get();
    }

    /** @return events waiting in the buffer */
    public int pending() {
        return buffer.size();
    }

    private void run() {
        List<ServiceAuditEvent> batch = new ArrayList<>(settings.batchSize());
        Duration backoff = Duration.ofMillis(100);
        while (!closed || !buffer.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    ServiceAuditEvent first = buffer.poll(settings.flushEvery().toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    buffer.drainTo(batch, settings.batchSize() - 1);
                }
                if (send(batch)) {
                    batch.clear();
                    backoff = Duration.ofMillis(100);
                } else {
                    retries.incrementAndGet(); // also while closing: close(timeout) bounds how long
                    Thread.sleep(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                            : backoff.multipliedBy(2);
                }
            } catch (InterruptedException e) {
                // close(timeout) ran out: whatever is left is lost, and counted as such
                dropped.addAndGet(batch.size() + buffer.size());
                buffer.clear();
                return;
            }
        }
    }

    /** @return true when the batch is done with (durable, or refused as invalid and counted) */
    private boolean send(List<ServiceAuditEvent> batch) throws InterruptedException {
        List<Object> events = new ArrayList<>(batch.size());
        for (ServiceAuditEvent e : batch) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("action", e.action());
            json.put("decision", e.decision());
            put(json, "actor", e.actor());
            put(json, "resource", e.resource());
            put(json, "reason", e.reason());
            put(json, "request_id", e.requestId());
            json.put("time", e.time().toString());
            if (!e.details().isEmpty()) {
                json.put("details", new LinkedHashMap<>(e.details()));
            }
            events.add(json);
        }
        Map<String, Object> body = Map.of("events", events);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + bearer.get())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 202) {
                sent.addAndGet(batch.size());
                return true;
            }
            if (status == 400) {
                rejected.addAndGet(batch.size());
                LOG.atError().addKeyValue("events", batch.size()).log("control plane rejected an audit batch as invalid");
                return true;
            }
            LOG.atWarn().addKeyValue("status", status).log("audit batch not accepted; retrying");
            return false;
        } catch (IOException | RuntimeException e) {
            LOG.atWarn().addKeyValue("error", e.getClass().getSimpleName()).log("audit batch not sent; retrying");
            return false;
        }
    }

    private static void put(Map<String, Object> json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    /**
     * Stops taking events and sends what is buffered, waiting at most {@code timeout}; what could not be sent by
     * then is counted as dropped.
     */
    public void close(Duration timeout) {
        closed = true;
        try {
            sender.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            sender.interrupt();
            try {
                sender.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link #close(Duration)} with 5 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
