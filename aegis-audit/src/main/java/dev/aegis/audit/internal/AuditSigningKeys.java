package dev.aegis.audit.internal;

import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.KeyRotation;
import dev.aegis.core.api.keys.RotationPolicy;
import dev.aegis.store.api.KeyMaterialStore;
import java.time.Clock;
import java.time.Duration;

/**
 * The {@code "audit"} key ring that signs checkpoints, cached and re-read from the {@link KeyMaterialStore}
 * every few minutes so a rotation done by another node (or the server's rotation scheduler) is picked up.
 *
 * <p>Only the writer thread calls {@link #current()}; not thread-safe otherwise.
 */
public final class AuditSigningKeys {

    /** Ring name in {@link KeyMaterialStore}. */
    public static final String RING = "audit";
    private static final Duration REFRESH = Duration.ofMinutes(5);

    private final KeyMaterialStore keys;
    private KeyRing ring;
    private long loadedNanos;

    private AuditSigningKeys(KeyMaterialStore keys, KeyRing ring) {
        this.keys = keys;
        this.ring = ring;
        this.loadedNanos = System.nanoTime();
    }

    /**
     * Loads the ring, creating its first ACTIVE key when it has none (one transaction with a row lock inside
     * {@link KeyMaterialStore#updateRing}, so racing nodes create one key). Rotation afterwards is the
     * platform's key-rotation scheduler's job, as for the {@code "tokens"} ring.
     *
     * @return the ring holder
     */
    public static AuditSigningKeys bootstrap(KeyMaterialStore keys, Clock clock) {
        KeyRing ring = keys.loadRing(RING);
        if (ring.signingKey().isEmpty()) {
            KeyRotation rotation = new KeyRotation(RotationPolicy.defaults());
            ring = keys.updateRing(RING, r -> r.signingKey().isPresent() ? r : rotation.advance(r, clock.instant()));
        }
        return new AuditSigningKeys(keys, ring);
    }

    /** @return the ring, re-read when older than five minutes */
    public KeyRing current() {
        if (System.nanoTime() - loadedNanos >= REFRESH.toNanos()) {
            ring = keys.loadRing(RING);
            loadedNanos = System.nanoTime();
        }
        return ring;
    }
}
