package dev.aegis.core.api.password;

/**
 * Cost parameters of Argon2id (RFC 9106 §3.1): memory in KiB ({@code m}), passes ({@code t}) and lanes
 * ({@code p}). The same limits apply to parameters read back from a stored hash, so a forged stored hash cannot
 * make verification allocate gigabytes.
 *
 * <p>Immutable and thread-safe.
 *
 * @param memoryKiB   memory cost in KiB, 8·p .. 4 GiB (4,194,304 KiB)
 * @param iterations  passes, 1..64
 * @param parallelism lanes, 1..16
 */
public record Argon2Parameters(int memoryKiB, int iterations, int parallelism) {

    /** Upper bound on memory (4 GiB in KiB). */
    public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    /** Upper bound on passes. */
    public static final int MAX_ITERATIONS = 64;
    /** Upper bound on lanes. */
    public static final int MAX_PARALLELISM = 16;

    /** Validates the bounds (RFC 9106 §3.1: m ≥ 8·p). */
    public Argon2Parameters {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2 parallelism must be in 1.." + MAX_PARALLELISM);
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2 memory must be in 8*parallelism.." + MAX_MEMORY_KIB + " KiB");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2 iterations must be in 1.." + MAX_ITERATIONS);
        }
    }

    /** @return the OWASP Password Storage Cheat Sheet minimum for Argon2id: m=19456 KiB (19 MiB), t=2, p=1 */
    public static Argon2Parameters defaults() {
        return new Argon2Parameters(19456, 2, 1);
    }

    /**
     * Whether a hash made with these parameters should be upgraded to {@code other}: true if any of memory,
     * iterations or parallelism is lower than in {@code other}.
     *
     * @param other the current target parameters, not {@code null}
     * @return whether these are weaker in at least one dimension
     */
    public boolean weakerThan(Argon2Parameters other) {
        return memoryKiB < other.memoryKiB || iterations < other.iterations || parallelism < other.parallelism;
    }
}
