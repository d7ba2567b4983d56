package dev.aegis.ratelimit.api;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe sliding-window rate limiter: at most {@code max} permits per key in any window of the given
 * length, e.g. {@code new Limiter(5, Duration.ofMinutes(15)).allow(account)} for login failures.
 *
 * <p><b>Exactness.</b> Up to {@link #EXACT_LIMIT} permits per window, every key keeps the times of its permits
 * in a ring of {@code max} entries, so the limit holds exactly over every window ("sliding log"). Above that
 * (high-rate route limits) a key keeps {@value #BUCKETS} sub-window counters and the window slides in steps of
 * {@code window / 64}: the limit may be exceeded by at most the permits of one step.
 *
 * <p><b>Bounded memory.</b> A key whose window holds no permit is idle and is evicted by a sweep that runs when
 * the table reaches its capacity (and every {@value #SWEEP_EVERY} new keys). When the table is full of active
 * keys, permits for new keys are refused (fail closed) and counted in {@link #overflowDenials()}: an attacker
 * who floods new keys cannot evict, and so reset, the counter of the account it attacks. The capacity is
 * checked before a key is inserted, so concurrent first uses may overshoot it by up to the number of callers.
 *
 * <p>Time comes from the clock given (milliseconds), so tests can move it. Thread-safe; the critical section is
 * a few array operations under the key's own monitor (no I/O, so no virtual-thread pinning concern).
 */
public final class Limiter {
    /** Largest {@code max} counted exactly. */
    public static final int EXACT_LIMIT = 4096;
    static final int BUCKETS = 64;
    static final int SWEEP_EVERY = 8192;
    /** Keys tracked at once unless configured otherwise. */
    public static final int DEFAULT_CAPACITY = 1_000_000;

    private final int max;
    private final long windowMillis;
    private final Clock clock;
    private final int capacity;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicInteger newKeysSinceSweep = new AtomicInteger();
    private final AtomicLong overflowDenials = new AtomicLong();

    /** A limiter on the system clock with the default capacity. */
    public Limiter(int max, Duration window) {
        this(max, window, Clock.systemUTC(), DEFAULT_CAPACITY);
    }

    /** A limiter on the given clock with the default capacity. */
    public Limiter(int max, Duration window, Clock clock) {
        this(max, window, clock, DEFAULT_CAPACITY);
    }

    /**
     * @param max      permits per key per window, at least 1
     * @param window   the window length, at least 1 ms
     * @param clock    time source
     * @param capacity how many keys may be tracked at once, at least 1
     */
    public Limiter(int max, Duration window, Clock clock, int capacity) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        Objects.requireNonNull(window, "window");
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be at least 1 ms, got " + window);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.max = max;
        this.windowMillis = window.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.capacity = capacity;
    }

    /**
     * Takes one permit for {@code key} if its window has one left.
     *
     * @return true when allowed (the permit is consumed), false when the key is over its limit
     */
    public boolean allow(String key) {
        Objects.requireNonNull(key, "key");
        long now = clock.millis();
        while (true) {
            Window w = windows.get(key);
            if (w == null) {
                if (!roomForNewKey(now)) {
                    overflowDenials.incrementAndGet();
                    return false;
                }
                w = windows.computeIfAbsent(key, k -> newWindow());
            }
            synchronized (w) {
                if (!w.evicted) { // a sweep removed it between get and lock: take a fresh one
                    return w.tryAcquire(now);
                }
            }
        }
    }

    /** @return the permits {@code key} has left in the current window, without consuming one */
    public int remaining(String key) {
        Window w = windows.get(Objects.requireNonNull(key, "key"));
        if (w == null) {
            return max;
        }
        synchronized (w) {
            return w.evicted ? max : max - w.used(clock.millis());
        }
    }

    /** @return how long until {@code key} gets a permit again; zero when it has one now */
    public Duration retryAfter(String key) {
        Window w = windows.get(Objects.requireNonNull(key, "key"));
        if (w == null) {
            return Duration.ZERO;
        }
        synchronized (w) {
            return w.evicted ? Duration.ZERO : Duration.ofMillis(w.millisUntilPermit(clock.millis()));
        }
    }

    /** @return the permits per window */
    public int max() {
        return max;
    }

    /** @return the window length */
    public Duration window() {
        return Duration.ofMillis(windowMillis);
    }

    /** @return how many keys are tracked now (idle ones included until the next sweep) */
    public int trackedKeys() {
        return windows.size();
    }

    /** @return how many permits were refused because the key table was full of active keys */
    public long overflowDenials() {
        return overflowDenials.get();
    }

    /** Forgets {@code key}, e.g. after a successful login resets its failure count. */
    public void reset(String key) {
        Window w = windows.remove(Objects.requireNonNull(key, "key"));
        if (w != null) {
            synchronized (w) {
                w.evicted = true;
            }
        }
    }

    /** Evicts every idle key now. @return how many were evicted */
    public int sweep() {
        long now = clock.millis();
        int evicted = 0;
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Window> e = it.next();
            Window w = e.getValue();
            synchronized (w) {
                if (w.used(now) == 0 && windows.remove(e.getKey(), w)) {
                    w.evicted = true;
                    evicted++;
                }
            }
        }
        return evicted;
    }

    private boolean roomForNewKey(long now) {
        if (newKeysSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            newKeysSinceSweep.set(0);
            sweep();
        }
        if (windows.size() < capacity) {
            return true;
        }
        sweep();
        return windows.size() < capacity;
    }

    private Window newWindow() {
        return max <= EXACT_LIMIT ? new SlidingLog(max, windowMillis) : new BucketedWindow(max, windowMillis);
    }

    /** The per-key state; every method runs under the instance's monitor. */
    private abstract static class Window {
        boolean evicted;

        abstract boolean tryAcquire(long now);

        abstract int used(long now);

        abstract long millisUntilPermit(long now);
    }

    /** Exact: the times of the last {@code max} permits, oldest at {@code tail}. */
    private static final class SlidingLog extends Window {
        private final long[] stamps;
        private final long windowMillis;
        private int tail;
        private int size;

        SlidingLog(int max, long windowMillis) {
            this.stamps = new long[max];
            this.windowMillis = windowMillis;
        }

        @Override
        boolean tryAcquire(long now) {
            expire(now);
            if (size == stamps.length) {
                return false;
            }
            stamps[(tail + size) % stamps.length] = now;
            size++;
            return true;
        }

        @Override
        int used(long now) {
            expire(now);
            return size;
        }

        @Override
        long millisUntilPermit(long now) {
            expire(now);
            return size < stamps.length ? 0 : stamps[tail] + windowMillis - now;
        }

        /** A permit taken at t counts while now - t < window. */
        private void expire(long now) {
            while (size > 0 && now - stamps[tail] >= windowMillis) {
                tail = (tail + 1) % stamps.length;
                size--;
            }
        }
    }

    /** Approximate for high rates: counts per sub-window of {@code window / BUCKETS}. */
    private static final class BucketedWindow extends Window {
        private final int max;
        private final long stepMillis;
        private final int[] counts = new int[BUCKETS];
        private long newestStep; // index of the step counts[newestStep % BUCKETS] belongs to
        private int total;

        BucketedWindow(int max, long windowMillis) {
            this.max = max;
            this.stepMillis = Math.max(1, windowMillis / BUCKETS);
        }

        @Override
        boolean tryAcquire(long now) {
            advance(now);
            if (total >= max) {
                return false;
            }
            counts[(int) (newestStep % BUCKETS)]++;
            total++;
            return true;
        }

        @Override
        int used(long now) {
            advance(now);
            return total;
        }

        @Override
        long millisUntilPermit(long now) {
            advance(now);
            if (total < max) {
                return 0;
            }
            // The oldest non-empty step leaves the window when the window has slid past it.
            for (int back = BUCKETS - 1; back >= 0; back--) {
                if (counts[(int) ((newestStep - back) % BUCKETS)] > 0) {
                    return (newestStep - back + BUCKETS) * stepMillis - now;
                }
            }
            return stepMillis;
        }

        private void advance(long now) {
            long step = Math.floorDiv(now, stepMillis);
            if (step <= newestStep) {
                return;
            }
            long clear = Math.min(step - newestStep, BUCKETS);
            for (long s = 1; s <= clear; s++) {
                int i = (int) ((newestStep + s) % BUCKETS);
                total -= counts[i];
                counts[i] = 0;
            }
            newestStep = step;
        }
    }
}
