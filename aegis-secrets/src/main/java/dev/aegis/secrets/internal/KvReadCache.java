package dev.aegis.secrets.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A node-local cache of the current version of KV keys, as stored: the envelope (ciphertext) and metadata, never
 * a plaintext. Writes on this node invalidate their key at once; writes on other nodes arrive as
 * {@code secret.changed} events on the platform event stream (about 100 ms), and every entry expires after
 * {@code ttl} regardless, the bound on staleness if an event is lost.
 *
 * <p>A read that started before an invalidation never re-inserts what it read (tombstones carry the time), so a
 * slow reader cannot put back a value a concurrent writer just replaced. Bounded: cleared when full. Thread-safe.
 */
final class KvReadCache {
    private static final int MAX_ENTRIES = 50_000;

    private final long ttlNanos;
    private final ConcurrentHashMap<String, Object> entries = new ConcurrentHashMap<>();

    private record Entry(KvRows.Read read, long loadedAt) {
    }

    private record Tombstone(long invalidatedAt) {
    }

    KvReadCache(java.time.Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    KvRows.Read get(String key) {
        if (ttlNanos == 0) {
            return null;
        }
        Object o = entries.get(key);
        if (o instanceof Entry e && System.nanoTime() - e.loadedAt() < ttlNanos) {
            return e.read();
        }
        return null;
    }

    /** @param startedAt {@link System#nanoTime()} taken before the database read */
    void put(String key, KvRows.Read read, long startedAt) {
        if (ttlNanos == 0) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.compute(key, (k, old) -> old instanceof Tombstone t && t.invalidatedAt() - startedAt >= 0
                ? old : new Entry(read, startedAt));
    }

    void invalidate(String key) {
        entries.put(key, new Tombstone(System.nanoTime()));
    }

    void clear() {
        entries.clear();
    }
}
