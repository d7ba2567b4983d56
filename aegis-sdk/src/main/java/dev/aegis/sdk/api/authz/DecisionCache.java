package dev.aegis.sdk.api.authz;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The SDK's bounded cache of check answers for one store, keyed by the request (tuple and context).
 *
 * <p>Three rules keep it from answering from older state than the caller may see:
 * <ul>
 *   <li>an entry is served only to a request whose required consistency token it satisfies
 *       ({@code entry.seq >= atLeast});</li>
 *   <li>an entry computed on a snapshot older than the newest change this process knows of ({@link #floor()},
 *       from change events and answers) is never served, and such an answer is not stored (so a check that was in
 *       flight while a revoke happened cannot put the old answer back); an entry whose snapshot already contains
 *       the announced change stays;</li>
 *   <li>{@link #invalidate()} (a change of unknown position, a reconnected feed) starts a new <em>epoch</em>:
 *       entries of earlier epochs are never served, answers to requests started in them are not stored.</li>
 * </ul>
 * Thread-safe.
 */
final class DecisionCache {
    private final int maxEntries;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    /** The newest consistency token (sequence) known to this process: from the stream or from answers. */
    private final AtomicLong floor = new AtomicLong();
    private final LongAdder invalidations = new LongAdder();

    record Entry(boolean allowed, long seq, long epoch, long storedAt) {
    }

    DecisionCache(int maxEntries, long maxAgeNanos, LongSupplier nanoTime) {
        this.maxEntries = maxEntries;
        this.maxAgeNanos = maxAgeNanos;
        this.nanoTime = nanoTime;
    }

    /** @return the epoch to hand back to {@link #put} with the answer of a request starting now */
    long epoch() {
        return epoch.get();
    }

    /**
     * @param atLeast the sequence the answer must be at least as fresh as (0: any)
     * @return a usable entry, or {@code null}
     */
    Entry get(String key, long atLeast) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.epoch() != epoch.get() || e.seq() < floor.get() || nanoTime.getAsLong() - e.storedAt() > maxAgeNanos) {
            entries.remove(key, e);
            return null;
        }
        return e.seq() >= atLeast ? e : null;
    }

    /** Stores an answer computed on snapshot {@code seq} for a request that started in {@code startedEpoch}. */
    void put(String key, boolean allowed, long seq, long startedEpoch) {
        noteSeen(seq);
        if (startedEpoch != epoch.get() || seq < floor.get()) {
            return; // the answer may predate a change announced meanwhile
        }
        if (entries.size() >= maxEntries) {
            evictSome();
        }
        entries.put(key, new Entry(allowed, seq, startedEpoch, nanoTime.getAsLong()));
    }

    /**
     * A change committed at {@code seq}: answers computed on older snapshots are dropped (counted as one
     * invalidation when it is news); a change of unknown position ({@code seq <= 0}) drops every answer.
     */
    void changed(long seq) {
        if (seq <= 0) {
            invalidate();
            return;
        }
        long before = floor.getAndAccumulate(seq, Math::max);
        if (seq > before) {
            entries.values().removeIf(e -> e.seq() < seq);
            invalidations.increment();
        }
    }

    /** Drops every cached answer. */
    void invalidate() {
        epoch.incrementAndGet();
        entries.clear();
        invalidations.increment();
    }

    /** Records that state at least as new as {@code seq} exists (a write's token, an answer's token). */
    void noteSeen(long seq) {
        floor.accumulateAndGet(seq, Math::max);
    }

    /** @return the newest sequence known; checks ask the engine for state at least this fresh */
    long floor() {
        return floor.get();
    }

    int size() {
        return entries.size();
    }

    long invalidations() {
        return invalidations.sum();
    }

    /** Drops about a quarter of the entries (the iteration order of the map, which is arbitrary). */
    private void evictSome() {
        int drop = Math.max(1, maxEntries / 4);
        for (Iterator<String> it = entries.keySet().iterator(); it.hasNext() && drop > 0; drop--) {
            it.next();
            it.remove();
        }
    }
}
