package dev.aegis.policy.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current in-memory tuple index of every store, as one immutable {@link Snapshot} at one change-log
 * sequence, swapped atomically (volatile) when changes are applied. Readers never lock; one writer at a time
 * (a {@link ReentrantLock}, because catching up reads the database) applies the change log in sequence order.
 *
 * <p>Freshness (Zanzibar's zookie): {@link #atLeast(long)} returns a snapshot whose sequence is at least the
 * given token, catching up from the database first when needed, so a check that carries a write's token is
 * never answered from a snapshot older than that write ("new enemy" problem, Zanzibar §2.2).
 */
public final class Snapshots {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    private static final int PAGE = 5_000;

    private final JdbcTupleStore db;
    private final int cacheSize;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Snapshot current;

    /** The tuples of all stores at {@code seq}, with its own decision cache (valid exactly for this state). */
    public record Snapshot(long seq, Map<String, TupleIndex> stores, ConcurrentHashMap<String, Boolean> decisions) {
        public TupleIndex store(String storeId) {
            TupleIndex i = stores.get(storeId);
            return i == null ? TupleIndex.EMPTY : i;
        }
    }

    public Snapshots(JdbcTupleStore db, List<String> storeIds, int cacheSize) {
        this.db = db;
        this.cacheSize = cacheSize;
        long from = Long.MAX_VALUE;
        Map<String, TupleIndex> stores = new HashMap<>();
        for (String id : storeIds) {
            TupleIndex.Builder b = TupleIndex.builder();
            long head = db.loadAll(id, b::add);
            from = Math.min(from, head);
            stores.put(id, b.build());
        }
        if (from == Long.MAX_VALUE) {
            from = db.head();
        }
        this.current = new Snapshot(from, Map.copyOf(stores), new ConcurrentHashMap<>());
        catchUp(Long.MAX_VALUE);
    }

    public Snapshot current() {
        return current;
    }

    /** A snapshot at least as fresh as {@code token}; reads the change log when the current one is older. */
    public Snapshot atLeast(long token) {
        Snapshot s = current;
        if (s.seq() >= token) {
            return s;
        }
        catchUp(token);
        return current;
    }

    /** The snapshot at the database's newest committed change (fully consistent). */
    public Snapshot latest() {
        return atLeast(db.head());
    }

    /** Applies changes this node just committed; falls back to reading the log when others came in between. */
    public void applyLocal(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            Snapshot s = current;
            if (changes.get(0).seq() == s.seq() + 1) {
                swap(s, changes);
            }
        } finally {
            lock.unlock();
        }
        catchUp(changes.get(changes.size() - 1).seq());
    }

    /** Reads and applies the change log until the snapshot reaches {@code target} or the log ends. */
    public void catchUp(long target) {
        lock.lock();
        try {
            while (current.seq() < target) {
                List<Change> page = db.changesAfter(null, null, current.seq(), PAGE);
                if (page.isEmpty()) {
                    return;
                }
                swap(current, page);
                if (page.size() < PAGE) {
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Rebuilds one store's index from its table (after a bulk load: cheaper than replaying a million changes).
     * Replaying the log after the current sequence on top is idempotent, so the result is exact.
     */
    public void reload(String storeId) {
        lock.lock();
        try {
            TupleIndex.Builder b = TupleIndex.builder();
            db.loadAll(storeId, b::add);
            Snapshot s = current;
            Map<String, TupleIndex> stores = new HashMap<>(s.stores());
            stores.put(storeId, b.build());
            current = new Snapshot(s.seq(), Map.copyOf(stores), new ConcurrentHashMap<>());
        } finally {
            lock.unlock();
        }
        catchUp(Long.MAX_VALUE);
    }

    /** Registers a new, empty store so later changes have an index to go to. */
    public void addStore(String storeId) {
        lock.lock();
        try {
            Snapshot s = current;
            if (!s.stores().containsKey(storeId)) {
                Map<String, TupleIndex> stores = new HashMap<>(s.stores());
                stores.put(storeId, TupleIndex.EMPTY);
                current = new Snapshot(s.seq(), Map.copyOf(stores), s.decisions());
            }
        } finally {
            lock.unlock();
        }
    }

    private void swap(Snapshot s, List<Change> changes) {
        Map<String, List<Change>> byStore = new HashMap<>();
        for (Change c : changes) {
            byStore.computeIfAbsent(c.storeId(), k -> new ArrayList<>()).add(c);
        }
        Map<String, TupleIndex> stores = new HashMap<>(s.stores());
        for (Map.Entry<String, List<Change>> e : byStore.entrySet()) {
            stores.put(e.getKey(), stores.getOrDefault(e.getKey(), TupleIndex.EMPTY).apply(e.getValue()));
        }
        long seq = changes.get(changes.size() - 1).seq();
        current = new Snapshot(seq, Map.copyOf(stores), new ConcurrentHashMap<>());
        LOG.atDebug().addKeyValue("seq", seq).addKeyValue("changes", changes.size()).log("authz snapshot advanced");
    }

    /** Remembers a decision of this snapshot; the cache is cleared when it outgrows its bound. */
    public void remember(Snapshot s, String key, boolean allowed) {
        ConcurrentHashMap<String, Boolean> d = s.decisions();
        if (d.size() >= cacheSize) {
            d.clear();
        }
        d.put(key, allowed);
    }
}
