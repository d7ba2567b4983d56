package dev.aegis.server.demo;

import dev.aegis.core.api.jwt.TokenError;
import dev.aegis.sdk.api.token.AccessTokenCheck;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Measures how long a revocation takes to reach each hop: every probe asks its hop, in a loop of its own, until
 * the hop refuses; the time is from the moment the revocation call returned to the first refusal.
 */
final class RevocationProbe {
    /** A hop's view of a token: refused yet? */
    record Hop(String name, Supplier<Boolean> refuses) {
    }

    private RevocationProbe() {
    }

    /** A probe of an SDK verifier: refused as {@code REVOKED} (not for any other reason). */
    static Supplier<Boolean> revokedAt(java.util.function.Function<String, AccessTokenCheck> verifier, String token) {
        return () -> verifier.apply(token) instanceof AccessTokenCheck.Refused r && r.error() == TokenError.REVOKED;
    }

    /**
     * @param revokedAtNanos {@code System.nanoTime()} when the revocation call returned
     * @return milliseconds to the first refusal per hop; {@code -1} for a hop that did not refuse within the timeout
     */
    static Map<String, Double> measure(long revokedAtNanos, List<Hop> hops, Duration timeout) {
        Map<String, Double> result = new LinkedHashMap<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, CompletableFuture<Double>> running = new LinkedHashMap<>();
            for (Hop hop : hops) {
                running.put(hop.name(), CompletableFuture.supplyAsync(() -> poll(revokedAtNanos, hop, timeout), threads));
            }
            running.forEach((name, f) -> result.put(name, f.join()));
        }
        return result;
    }

    private static double poll(long start, Hop hop, Duration timeout) {
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (hop.refuses().get()) {
                return (System.nanoTime() - start) / 1e6;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }
}
