package dev.aegis.core.api.keys;

import dev.aegis.core.api.crypto.KeyId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key rotation schedule as a pure function: given a {@link KeyRing} and the current time, returns the ring as
 * it should be now. No threads and no clock of its own; the caller (a scheduler, under a database row lock in a
 * cluster) persists and publishes the result, and calls again at {@link #nextEvent}.
 *
 * <p>Rules (NIST SP 800-57 Part 1 §5.3 life cycle; rollover as in OpenID Connect Core §10.1.1):
 * <ul>
 *   <li>a ring without an ACTIVE key gets one at once (bootstrap: there is nothing to stay compatible with);</li>
 *   <li>a PENDING successor is generated {@code publishAhead} before the ACTIVE key's rotation time
 *       ({@code activatedAt + rotationPeriod});</li>
 *   <li>a PENDING key becomes ACTIVE only once it has been published for {@code publishAhead}; the old ACTIVE key
 *       is RETIRED in the same step (older PENDING keys superseded by it are retired unused);</li>
 *   <li>a RETIRED key is DESTROYED once {@code maxTokenLifetime + clockSkew} have passed since its retirement:
 *       every token it signed has expired for every verifier by then.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. Arguments must not be {@code null}; no method returns {@code null}.
 */
public final class KeyRotation {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

    private final RotationPolicy policy;

    /** @param policy the schedule */
    public KeyRotation(RotationPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** @return the schedule */
    public RotationPolicy policy() {
        return policy;
    }

    /**
     * Applies every step due at {@code now}. Idempotent: calling again with the same time changes nothing.
     *
     * @param ring the current ring
     * @param now  the current time
     * @return the ring as it should be now (the same instance if nothing was due)
     */
    public KeyRing advance(KeyRing ring, Instant now) {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(now, "now");
        KeyRing r = destroyExpired(ring, now);
        r = activateDue(r, now);
        Optional<SigningKey> active = r.signingKey();
        if (active.isPresent() && pendingKeys(r) == 0
                && !now.isBefore(rotationTime(active.get()).minus(policy.publishAhead()))) {
            SigningKey successor = SigningKey.generate(policy.algorithm(), KeyId.random(), now);
            log("signing key published ahead of activation", successor);
            r = r.with(successor);
        }
        return r;
    }

    /**
     * Starts an unscheduled rotation (e.g. suspected compromise): adds a PENDING key that {@link #advance}
     * activates once it has been published for {@code publishAhead}. A ring without an ACTIVE key activates it
     * at the next {@link #advance}.
     *
     * @param ring the current ring
     * @param now  the current time
     * @return the ring with a new PENDING key
     */
    public KeyRing rotateNow(KeyRing ring, Instant now) {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(now, "now");
        SigningKey key = SigningKey.generate(policy.algorithm(), KeyId.random(), now);
        log("signing key published for immediate rotation", key);
        return ring.with(key);
    }

    /**
     * @param ring the current ring
     * @return the earliest time at which {@link #advance} has something to do; a time in the past (the epoch)
     *         means "now"
     */
    public Instant nextEvent(KeyRing ring) {
        Optional<SigningKey> active = ring.signingKey();
        if (active.isEmpty()) {
            return Instant.EPOCH;
        }
        Instant next = null;
        boolean pending = false;
        for (SigningKey k : ring.keys()) {
            Instant due = switch (k.state()) {
                case PENDING -> k.createdAt().plus(policy.publishAhead());
                case RETIRED -> k.retiredAt().orElseThrow().plus(policy.retentionAfterRetirement());
                case ACTIVE, DESTROYED -> null;
            };
            pending |= k.state() == KeyState.PENDING;
            next = earliest(next, due);
        }
        if (!pending) {
            next = earliest(next, rotationTime(active.get()).minus(policy.publishAhead()));
        }
        return next;
    }

    private KeyRing destroyExpired(KeyRing ring, Instant now) {
        KeyRing r = ring;
        for (SigningKey k : ring.keys()) {
            if (k.state() == KeyState.RETIRED
                    && !now.isBefore(k.retiredAt().orElseThrow().plus(policy.retentionAfterRetirement()))) {
                log("retired signing key destroyed", k);
                r = r.with(k.destroy(now));
            }
        }
        return r;
    }

    private KeyRing activateDue(KeyRing ring, Instant now) {
        Optional<SigningKey> active = ring.signingKey();
        SigningKey newestPending = null;
        SigningKey newestDue = null;
        for (SigningKey k : ring.keys()) {
            if (k.state() == KeyState.PENDING) {
                newestPending = newer(newestPending, k);
                if (!now.isBefore(k.createdAt().plus(policy.publishAhead()))) {
                    newestDue = newer(newestDue, k);
                }
            }
        }
        if (active.isEmpty()) {
            SigningKey first = newestDue != null ? newestDue : newestPending;
            if (first == null) {
                first = SigningKey.generate(policy.algorithm(), KeyId.random(), now);
            }
            return activate(ring, first, now);
        }
        if (newestDue == null) {
            return ring;
        }
        KeyRing r = ring.with(active.get().retire(now));
        log("signing key retired", active.get());
        return activate(r, newestDue, now);
    }

    private KeyRing activate(KeyRing ring, SigningKey key, Instant now) {
        KeyRing r = ring.with(key.activate(now));
        for (SigningKey k : ring.keys()) {
            if (k.state() == KeyState.PENDING && k.createdAt().isBefore(key.createdAt())) {
                r = r.with(k.retire(now)); // superseded before it ever signed
            }
        }
        log("signing key activated", key);
        return r;
    }

    private Instant rotationTime(SigningKey active) {
        return active.activatedAt().orElseThrow().plus(policy.rotationPeriod());
    }

    private static int pendingKeys(KeyRing ring) {
        int n = 0;
        for (SigningKey k : ring.keys()) {
            if (k.state() == KeyState.PENDING) {
                n++;
            }
        }
        return n;
    }

    private static SigningKey newer(SigningKey a, SigningKey b) {
        return a == null || b.createdAt().isAfter(a.createdAt()) ? b : a;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || (b != null && b.isBefore(a)) ? b : a;
    }

    private static void log(String message, SigningKey key) {
        LOG.atInfo().addKeyValue("kid", key.keyId().value()).addKeyValue("alg", key.algorithm().joseName())
                .log(message);
    }
}
