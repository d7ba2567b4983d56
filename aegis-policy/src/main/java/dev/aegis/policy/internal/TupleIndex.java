package dev.aegis.policy.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-memory tuples of one store at one point of the change log: a forward index
 * ({@code type:id#relation} to its tuples) and a reverse index (user to the tuples naming it), so that checks
 * and list calls never touch the database.
 *
 * <p>Immutable: a change produces a new index that shares the large, never-modified base maps and copies only
 * a small overlay of changed keys; when the overlay grows past {@link #COMPACT_AT} keys the next change folds
 * it into a new base. Readers therefore never lock and never see a half-applied write.
 */
public final class TupleIndex implements TupleView {
    static final int COMPACT_AT = 20_000;
    private static final Tuple[] NONE = new Tuple[0];
    public static final TupleIndex EMPTY = new TupleIndex(Map.of(), Map.of(), Map.of(), Map.of(), 0);

    private final Map<String, Entry> forwardBase;
    private final Map<String, Tuple[]> reverseBase;
    private final Map<String, Entry> forwardOverlay;
    private final Map<String, Tuple[]> reverseOverlay;
    private final int size;

    private TupleIndex(Map<String, Entry> forwardBase, Map<String, Tuple[]> reverseBase,
                       Map<String, Entry> forwardOverlay, Map<String, Tuple[]> reverseOverlay, int size) {
        this.forwardBase = forwardBase;
        this.reverseBase = reverseBase;
        this.forwardOverlay = forwardOverlay;
        this.reverseOverlay = reverseOverlay;
        this.size = size;
    }

    /** Number of tuples. */
    public int size() {
        return size;
    }

    @Override
    public Entry forward(String objectKey) {
        Entry e = forwardOverlay.get(objectKey);
        return e != null ? (e.isEmpty() ? null : e) : forwardBase.get(objectKey);
    }

    @Override
    public Tuple[] reverse(String userKey) {
        Tuple[] r = reverseOverlay.get(userKey);
        if (r == null) {
            r = reverseBase.get(userKey);
        }
        return r == null ? NONE : r;
    }

    /** Builds an index from scratch (store load). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A new index with {@code changes} (writes and deletes, in log order) applied. Each touched key is copied
     * once into a mutable working set and frozen at the end, so a batch costs its size plus the size of the
     * entries it touches (a group receiving 100,000 members in one catch-up is linear, not quadratic).
     */
    public TupleIndex apply(List<Change> changes) {
        Map<String, Map<String, Tuple>> directWork = new HashMap<>();
        Map<String, java.util.LinkedHashSet<Tuple>> usersetWork = new HashMap<>();
        Map<String, java.util.LinkedHashSet<Tuple>> reverseWork = new HashMap<>();
        int n = size;
        for (Change c : changes) {
            Tuple t = c.tuple();
            String fk = TupleView.objectKey(t.objectType(), t.objectId(), t.relation());
            String uk = TupleView.userKey(t.userType(), t.userId(), t.userRelation());
            Map<String, Tuple> direct = directWork.get(fk);
            java.util.LinkedHashSet<Tuple> usersets = usersetWork.get(fk);
            if (direct == null) {
                Entry old = forward(fk);
                direct = new HashMap<>(old == null ? Map.of() : old.direct);
                usersets = new java.util.LinkedHashSet<>(old == null ? List.of() : Arrays.asList(old.usersets));
                directWork.put(fk, direct);
                usersetWork.put(fk, usersets);
            }
            java.util.LinkedHashSet<Tuple> rev = reverseWork.get(uk);
            if (rev == null) {
                rev = new java.util.LinkedHashSet<>(Arrays.asList(reverse(uk)));
                reverseWork.put(uk, rev);
            }
            boolean had;
            if (t.userRelation().isEmpty()) {
                String key = t.userType() + ':' + t.userId();
                had = direct.containsKey(key);
                if (c.write()) {
                    direct.put(key, t);
                } else {
                    direct.remove(key);
                }
            } else {
                had = usersets.remove(t);
                if (c.write()) {
                    usersets.add(t);
                }
            }
            rev.remove(t);
            if (c.write()) {
                rev.add(t);
                n += had ? 0 : 1;
            } else if (had) {
                n--;
            }
        }
        Map<String, Entry> fwd = new HashMap<>(forwardOverlay);
        for (Map.Entry<String, Map<String, Tuple>> e : directWork.entrySet()) {
            fwd.put(e.getKey(), new Entry(Map.copyOf(e.getValue()), usersetWork.get(e.getKey()).toArray(NONE)));
        }
        Map<String, Tuple[]> rev = new HashMap<>(reverseOverlay);
        for (Map.Entry<String, java.util.LinkedHashSet<Tuple>> e : reverseWork.entrySet()) {
            rev.put(e.getKey(), e.getValue().toArray(NONE));
        }
        if (fwd.size() + rev.size() > COMPACT_AT) {
            Map<String, Entry> fb = new HashMap<>(forwardBase);
            Map<String, Tuple[]> rb = new HashMap<>(reverseBase);
            fold(fb, fwd);
            foldReverse(rb, rev);
            return new TupleIndex(fb, rb, Map.of(), Map.of(), n);
        }
        return new TupleIndex(forwardBase, reverseBase, fwd, rev, n);
    }

    private static void fold(Map<String, Entry> base, Map<String, Entry> overlay) {
        for (Map.Entry<String, Entry> e : overlay.entrySet()) {
            if (e.getValue().isEmpty()) {
                base.remove(e.getKey());
            } else {
                base.put(e.getKey(), e.getValue());
            }
        }
    }

    private static void foldReverse(Map<String, Tuple[]> base, Map<String, Tuple[]> overlay) {
        for (Map.Entry<String, Tuple[]> e : overlay.entrySet()) {
            if (e.getValue().length == 0) {
                base.remove(e.getKey());
            } else {
                base.put(e.getKey(), e.getValue());
            }
        }
    }

    private static Tuple[] replace(Tuple[] old, Tuple t, boolean add) {
        List<Tuple> out = new ArrayList<>(old.length + 1);
        for (Tuple o : old) {
            if (!o.equals(t)) {
                out.add(o);
            }
        }
        if (add) {
            out.add(t);
        }
        return out.toArray(NONE);
    }

    /** A request's contextual tuples layered over this index (they take part in the one request only). */
    public TupleView withContextual(List<Tuple> contextual) {
        if (contextual.isEmpty()) {
            return this;
        }
        Builder b = builder();
        for (Tuple t : contextual) {
            b.add(t);
        }
        TupleIndex extra = b.build();
        TupleIndex base = this;
        return new TupleView() {
            @Override
            public Entry forward(String objectKey) {
                Entry a = base.forward(objectKey);
                Entry c = extra.forward(objectKey);
                if (c == null) {
                    return a;
                }
                if (a == null) {
                    return c;
                }
                Entry merged = a;
                for (Tuple t : c.direct.values()) {
                    merged = merged.with(t);
                }
                for (Tuple t : c.usersets) {
                    merged = merged.with(t);
                }
                return merged;
            }

            @Override
            public Tuple[] reverse(String userKey) {
                Tuple[] a = base.reverse(userKey);
                Tuple[] c = extra.reverse(userKey);
                if (c.length == 0) {
                    return a;
                }
                Tuple[] out = Arrays.copyOf(a, a.length + c.length);
                System.arraycopy(c, 0, out, a.length, c.length);
                return out;
            }
        };
    }

    /** Collects tuples, then {@link #build()}s the index; not thread-safe. */
    public static final class Builder {
        private final Map<String, Map<String, Tuple>> direct = new HashMap<>();
        private final Map<String, java.util.LinkedHashSet<Tuple>> usersets = new HashMap<>();
        private final Map<String, List<Tuple>> reverse = new HashMap<>();
        private int size;

        public Builder add(Tuple t) {
            String fk = TupleView.objectKey(t.objectType(), t.objectId(), t.relation());
            if (t.userRelation().isEmpty()) {
                if (direct.computeIfAbsent(fk, k -> new HashMap<>(2)).put(t.userType() + ':' + t.userId(), t) != null) {
                    return this;
                }
            } else {
                if (!usersets.computeIfAbsent(fk, k -> new java.util.LinkedHashSet<>(2)).add(t)) {
                    return this;
                }
            }
            reverse.computeIfAbsent(TupleView.userKey(t.userType(), t.userId(), t.userRelation()), k -> new ArrayList<>(2)).add(t);
            size++;
            return this;
        }

        public TupleIndex build() {
            Map<String, Entry> fwd = new HashMap<>(Math.max(16, (direct.size() + usersets.size()) * 4 / 3));
            for (Map.Entry<String, Map<String, Tuple>> e : direct.entrySet()) {
                java.util.Set<Tuple> us = usersets.get(e.getKey());
                fwd.put(e.getKey(), new Entry(Map.copyOf(e.getValue()), us == null ? NONE : us.toArray(NONE)));
            }
            for (Map.Entry<String, java.util.LinkedHashSet<Tuple>> e : usersets.entrySet()) {
                if (!direct.containsKey(e.getKey())) {
                    fwd.put(e.getKey(), new Entry(Map.of(), e.getValue().toArray(NONE)));
                }
            }
            Map<String, Tuple[]> rev = new HashMap<>(Math.max(16, reverse.size() * 4 / 3));
            for (Map.Entry<String, List<Tuple>> e : reverse.entrySet()) {
                rev.put(e.getKey(), e.getValue().toArray(NONE));
            }
            return new TupleIndex(fwd, rev, Map.of(), Map.of(), size);
        }
    }

    /**
     * The tuples of one {@code object#relation}: plain users and wildcards by {@code type:id}, and usersets.
     * Immutable.
     */
    public static final class Entry {
        static final Entry EMPTY = new Entry(Map.of(), NONE);
        final Map<String, Tuple> direct;
        final Tuple[] usersets;

        Entry(Map<String, Tuple> direct, Tuple[] usersets) {
            this.direct = direct;
            this.usersets = usersets;
        }

        boolean isEmpty() {
            return direct.isEmpty() && usersets.length == 0;
        }

        /** The plain user or wildcard tuple for {@code type:id} / {@code type:*}, or {@code null}. */
        public Tuple direct(String userKey) {
            return direct.get(userKey);
        }

        public Iterable<Tuple> directTuples() {
            return direct.values();
        }

        public Tuple[] usersets() {
            return usersets;
        }

        boolean contains(Tuple t) {
            if (t.userRelation().isEmpty()) {
                return direct.containsKey(t.userType() + ':' + t.userId());
            }
            for (Tuple u : usersets) {
                if (u.equals(t)) {
                    return true;
                }
            }
            return false;
        }

        Entry with(Tuple t) {
            if (t.userRelation().isEmpty()) {
                Map<String, Tuple> d = new HashMap<>(direct);
                d.put(t.userType() + ':' + t.userId(), t);
                return new Entry(Map.copyOf(d), usersets);
            }
            return new Entry(direct, replace(usersets, t, true));
        }

        Entry without(Tuple t) {
            if (t.userRelation().isEmpty()) {
                Map<String, Tuple> d = new HashMap<>(direct);
                d.remove(t.userType() + ':' + t.userId());
                return new Entry(Map.copyOf(d), usersets);
            }
            return new Entry(direct, replace(usersets, t, false));
        }
    }
}
