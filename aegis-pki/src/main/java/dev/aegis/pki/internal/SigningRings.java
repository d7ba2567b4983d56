package dev.aegis.pki.internal;

import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.KeyRotation;
import dev.aegis.core.api.keys.RotationPolicy;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.store.api.KeyMaterialStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JOSE signing key ring of the CA kept in {@link KeyMaterialStore} (private keys sealed there) and rotated
 * by {@link KeyRotation}: {@code pki-jwt-svid} signs JWT-SVIDs, {@code pki-pins} signs pin policies.
 * Thread-safe; the ring is a snapshot behind an atomic reference.
 */
public final class SigningRings {

    private final KeyMaterialStore keys;
    private final String name;
    private final KeyRotation rotation;
    private final Clock clock;
    private final AtomicReference<KeyRing> ring = new AtomicReference<>(KeyRing.empty());

    /**
     * @param maxTokenLifetime how long what it signs lives (a retired key stays verifiable that long)
     */
    public SigningRings(KeyMaterialStore keys, String name, Duration maxTokenLifetime, Clock clock) {
        this.keys = keys;
        this.name = name;
        this.clock = clock;
        this.rotation = new KeyRotation(new RotationPolicy(SigningAlgorithm.ES256, Duration.ofDays(30), Duration.ofHours(1),
                maxTokenLifetime, Duration.ofSeconds(60)));
    }

    /**
     * Applies due rotation steps and reloads; a ring whose next scheduled step is still ahead is not touched (no
     * transaction per tick). These rings change only on schedule, so every node reaches the same step at once.
     */
    public KeyRing advance() {
        KeyRing cached = ring.get();
        if (!cached.keys().isEmpty() && clock.instant().isBefore(rotation.nextEvent(cached))) {
            return cached;
        }
        KeyRing next = keys.updateRing(name, r -> rotation.advance(r, clock.instant()));
        ring.set(next);
        return next;
    }

    /** @return the current ring */
    public KeyRing ring() {
        return ring.get();
    }
}
