package dev.aegis.server.runtime;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.KeyRotation;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.store.api.KeyMaterialStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link KeyRotation} for the platform's signing key rings at start-up and whenever the next scheduled
 * transition is due, and keeps an immutable snapshot of each ring for readers (JWKS, token signing). Every
 * ring change is audited. Cluster nodes may all run a scheduler: {@link KeyMaterialStore#updateRing} locks
 * the ring row, and {@link KeyRotation#advance} is a no-op when nothing is due, so no ring rotates twice.
 *
 * <p>Thread-safe: readers see {@link #ring(String)} snapshots swapped atomically; one virtual thread rotates.
 */
public final class KeyRotationScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRotationScheduler.class);
    /** Re-check at least this often, so a ring changed by another node is picked up. */
    private static final Duration MAX_SLEEP = Duration.ofMinutes(5);
    private static final Duration MIN_SLEEP = Duration.ofSeconds(1);

    private final KeyMaterialStore keys;
    private final KeyRotation rotation;
    private final AuditLog audit;
    private final Clock clock;
    private final List<String> ringNames;
    private final Map<String, KeyRing> snapshots = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean closed;
    private Thread thread;

    public KeyRotationScheduler(KeyMaterialStore keys, KeyRotation rotation, AuditLog audit, Clock clock,
                                List<String> ringNames) {
        this.keys = keys;
        this.rotation = rotation;
        this.audit = audit;
        this.clock = clock;
        this.ringNames = List.copyOf(ringNames);
    }

    /** Advances every ring once (so a fresh install has active keys) and starts the background thread. */
    public void start() {
        runOnce();
        thread = Thread.ofVirtual().name("aegis-key-rotation").start(this::loop);
    }

    /** The current snapshot of a ring; empty before {@link #start()}. */
    public KeyRing ring(String name) {
        return snapshots.getOrDefault(name, KeyRing.empty());
    }

    /** Advances every ring now; audits and logs each change. */
    public void runOnce() {
        for (String name : ringNames) {
            Instant now = clock.instant();
            KeyRing before = keys.loadRing(name);
            KeyRing after = keys.updateRing(name, ring -> rotation.advance(ring, now));
            snapshots.put(name, after);
            if (!sameStates(before, after)) {
                auditChange(name, after);
            }
        }
    }

    private void loop() {
        while (!closed) {
            Duration sleep = untilNextEvent();
            lock.lock();
            try {
                if (!closed) {
                    wake.awaitNanos(sleep.toNanos());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            if (closed) {
                return;
            }
            try {
                runOnce();
            } catch (RuntimeException e) {
                // Infrastructure trouble (database down): keep the old snapshot, retry on the next round.
                LOG.atWarn().setMessage("key rotation failed; will retry").addKeyValue("error", e.toString()).log();
            }
        }
    }

    private Duration untilNextEvent() {
        Instant now = clock.instant();
        Duration shortest = MAX_SLEEP;
        for (String name : ringNames) {
            Duration until = Duration.between(now, rotation.nextEvent(ring(name)));
            if (until.compareTo(shortest) < 0) {
                shortest = until;
            }
        }
        return shortest.compareTo(MIN_SLEEP) < 0 ? MIN_SLEEP : shortest;
    }

    private void auditChange(String ringName, KeyRing ring) {
        StringBuilder states = new StringBuilder();
        for (SigningKey key : ring.keys()) {
            if (!states.isEmpty()) {
                states.append(',');
            }
            states.append(key.keyId().value()).append('=').append(key.state());
        }
        LOG.atInfo().setMessage("signing key ring changed").addKeyValue("ring", ringName)
                .addKeyValue("keys", states.toString()).log();
        try {
            audit.record(AuditEvent.builder("key.rotation").actor("aegis").resource("key-ring:" + ringName)
                    .decision(AuditDecision.INFO).service("aegis-server").detail("keys", states.toString()).build());
        } catch (AuditUnavailableException e) {
            // The rotation is committed; it must not be undone because the trail is down, but it must be loud.
            LOG.atError().setMessage("key rotation could not be audited").addKeyValue("ring", ringName).log();
        }
    }

    private static boolean sameStates(KeyRing a, KeyRing b) {
        List<SigningKey> left = a.keys();
        List<SigningKey> right = b.keys();
        if (left.size() != right.size()) {
            return false;
        }
        for (int i = 0; i < left.size(); i++) {
            if (!left.get(i).keyId().equals(right.get(i).keyId()) || left.get(i).state() != right.get(i).state()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
