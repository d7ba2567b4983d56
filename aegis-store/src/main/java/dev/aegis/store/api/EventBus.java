package dev.aegis.store.api;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform event stream: revocations and change notifications (topics in {@link PlatformEvent}) that
 * every node of a cluster, and through the control plane's server-sent events every gateway and SDK, must see
 * within a second.
 *
 * <p>How it reaches everyone: {@link #publish} writes the event to the {@code platform_events} table (so it is
 * durable, and ordered gap-free by the lock on {@code platform_event_head}) and delivers it to this node's
 * subscribers right after the commit. Other nodes sharing the database pick it up within one poll interval
 * ({@link #startPolling}). A subscriber that reconnects names the last sequence it saw and is replayed what it
 * missed, as long as the events are younger than the retention.
 *
 * <p>Listeners are called on the publishing or polling thread, in sequence order, each event once per
 * subscription; they must be quick and must not block (hand off to a queue). A listener that throws is
 * logged and keeps its subscription. Thread-safe.
 */
public final class EventBus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    /** At most this many events are replayed to a new subscription; older ones are skipped with a warning. */
    static final int MAX_REPLAY = 100_000;
    private static final int MAX_ATTRIBUTES_CHARS = 8192;

    private final Store store;
    private final Clock clock;
    private final Duration retention;
    private final CopyOnWriteArrayList<Registration> subscribers = new CopyOnWriteArrayList<>();
    /** Serialises delivery so every subscriber sees events once and in order. Never held across a commit. */
    private final ReentrantLock deliveryLock = new ReentrantLock();
    private long delivered; // guarded by deliveryLock
    private volatile Thread poller;
    private volatile boolean closed;

    /**
     * @param store     the database shared by the cluster's nodes
     * @param clock     for event timestamps and retention
     * @param retention how long events are kept for replay; longer than the longest token or SVID lifetime so
     *                  a gateway that starts late still learns every revocation that matters
     */
    public EventBus(Store store, Clock clock, Duration retention) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.delivered = latestSequence();
    }

    /**
     * Publishes an event in its own transaction and delivers it to this node's subscribers before returning.
     *
     * @return the event's sequence number
     * @throws IllegalArgumentException for a bad topic, subject or oversized attributes
     * @throws StoreException when the database fails (nothing was published)
     */
    public long publish(String topic, String subject, Map<String, String> attributes) {
        long seq = store.inTransaction(c -> publish(c, topic, subject, attributes));
        deliverNew();
        return seq;
    }

    /**
     * Publishes an event inside the caller's transaction, so the change it announces and the event commit
     * together or not at all. Subscribers on this node see it at the next poll after the commit (call
     * {@link #deliverNew()} after committing to deliver at once).
     *
     * @param c a connection of {@link Store#inTransaction}
     * @return the event's sequence number
     */
    public long publish(Connection c, String topic, String subject, Map<String, String> attributes) throws SQLException {
        PlatformEvent.checkTopic(topic);
        PlatformEvent.checkSubject(subject);
        String encoded = encode(Objects.requireNonNull(attributes, "attributes"));
        long seq;
        try (PreparedStatement lock = c.prepareStatement("SELECT last_seq FROM platform_event_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
                throw new StoreException("platform_event_head row is missing");
            }
            seq = rs.getLong(1) + 1;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform_event_head SET last_seq = ? WHERE id = 1")) {
            ps.setLong(1, seq);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO platform_events (seq, topic, subject, attributes, occurred_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, seq);
            ps.setString(2, topic);
            ps.setString(3, subject);
            ps.setString(4, encoded);
            SqlInstants.bind(ps, 5, clock.instant());
            ps.executeUpdate();
        }
        return seq;
    }

    /**
     * Subscribes to the events whose topic starts with {@code topicPrefix}. Events after {@code afterSequence}
     * that are already stored are replayed first (pass {@link #latestSequence()} for "only new ones", 0 for
     * everything retained), then new events follow; none is skipped or delivered twice.
     *
     * @return the subscription; close it to stop
     */
    public Subscription subscribe(String topicPrefix, long afterSequence, Consumer<PlatformEvent> listener) {
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(listener, "listener");
        Registration registration = new Registration(topicPrefix, listener);
        deliveryLock.lock();
        try {
            if (afterSequence < delivered) {
                List<PlatformEvent> missed = read(Math.max(afterSequence, delivered - MAX_REPLAY), delivered);
                if (afterSequence < delivered - MAX_REPLAY) {
                    LOG.atWarn().addKeyValue("after", afterSequence).addKeyValue("replayed", MAX_REPLAY)
                            .log("subscription asked for more history than is replayed");
                }
                for (PlatformEvent event : missed) {
                    registration.offer(event);
                }
            }
            subscribers.add(registration);
        } finally {
            deliveryLock.unlock();
        }
        return () -> subscribers.remove(registration);
    }

    /** @return the sequence of the newest committed event, 0 when there is none */
    public long latestSequence() {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM platform_event_head WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /**
     * Delivers every committed event this node has not delivered yet (what other nodes published, or what was
     * published inside a caller's transaction). Called by the poller; safe to call at any time.
     */
    public void deliverNew() {
        deliveryLock.lock();
        try {
            List<PlatformEvent> fresh = read(delivered, Long.MAX_VALUE);
            for (PlatformEvent event : fresh) {
                for (Registration r : subscribers) {
                    r.offer(event);
                }
                delivered = event.sequence();
            }
        } finally {
            deliveryLock.unlock();
        }
    }

    /**
     * Starts a virtual thread that delivers other nodes' events every {@code interval} and drops events older
     * than the retention about once a minute. Idempotent.
     */
    public void startPolling(Duration interval) {
        if (poller != null) {
            return;
        }
        long sleepMillis = Math.max(1, interval.toMillis());
        poller = Thread.ofVirtual().name("aegis-event-poller").start(() -> {
            long lastPrune = 0;
            while (!closed) {
                try {
                    deliverNew();
                    if (System.nanoTime() - lastPrune > Duration.ofMinutes(1).toNanos()) {
                        prune();
                        lastPrune = System.nanoTime();
                    }
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    if (closed) {
                        return; // the interrupt of close() broke a query in flight
                    }
                    LOG.atWarn().addKeyValue("error", e.toString()).log("event poll failed; retrying");
                    sleepQuietly(sleepMillis * 10);
                }
            }
        });
    }

    /** Deletes events older than the retention. @return how many were deleted */
    public int prune() {
        Instant cutoff = clock.instant().minus(retention);
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM platform_events WHERE occurred_at < ?")) {
                SqlInstants.bind(ps, 1, cutoff);
                return ps.executeUpdate();
            }
        });
    }

    /** Stops the poller; subscriptions stop receiving. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Thread t = poller;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(2)); // so the poller never runs against a store closed after us
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscribers.clear();
    }

    private List<PlatformEvent> read(long after, long upTo) {
        return store.inTransaction(c -> {
            List<PlatformEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, topic, subject, attributes, occurred_at "
                    + "FROM platform_events WHERE seq > ? AND seq <= ? ORDER BY seq")) {
                ps.setLong(1, after);
                ps.setLong(2, upTo);
                ps.setMaxRows(MAX_REPLAY);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PlatformEvent(rs.getLong(1), rs.getString(2), rs.getString(3),
                                decode(rs.getString(4)), SqlInstants.read(rs, 5)));
                    }
                }
            }
            return out;
        });
    }

    static String encode(Map<String, String> attributes) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(Objects.requireNonNull(e.getValue(), e.getKey()), StandardCharsets.UTF_8));
        }
        if (sb.length() > MAX_ATTRIBUTES_CHARS) {
            throw new IllegalArgumentException("event attributes exceed " + MAX_ATTRIBUTES_CHARS + " characters");
        }
        return sb.toString();
    }

    static Map<String, String> decode(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&", -1)) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A live subscription; {@link #close()} ends it. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** A subscriber; identity equality, so closing one subscription never removes another. */
    private static final class Registration {
        private final String topicPrefix;
        private final Consumer<PlatformEvent> listener;

        Registration(String topicPrefix, Consumer<PlatformEvent> listener) {
            this.topicPrefix = topicPrefix;
            this.listener = listener;
        }

        void offer(PlatformEvent event) {
            if (!event.hasTopicPrefix(topicPrefix)) {
                return;
            }
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("topic", event.topic()).addKeyValue("seq", event.sequence())
                        .addKeyValue("error", e.toString()).log("event listener failed");
            }
        }
    }
}
