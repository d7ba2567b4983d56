package dev.aegis.bench;

import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts a real Aegis server on the given data directory, loads the 1,000,000-tuple Drive dataset into it (or
 * reuses the one an earlier run loaded there, e.g. by {@link AuthzCheckBenchmark}), and writes
 * {@code <dir>/ready} with "url store token" for the load generator ({@code bench/authz-http.sh} runs wrk). The
 * token is an ES256 access token with scope {@code aegis:authz} signed by the server's own token ring, as a
 * service would present it, so every request pays the full JWT verification. Each line on stdin makes it write
 * its allocation and CPU time so far, in total and by thread group, to {@code <dir>/cost}; it stops when stdin
 * closes.
 */
public final class AuthzHttpServer {
    private AuthzHttpServer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("ready"));
        AegisServer server = AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "data-dir", dir.toString(), "server.port", "0", "logging.level", "warn",
                "policy.decision-cache-size", args.length > 1 ? args[1] : "0")), Clock.systemUTC());
        String store = DriveDataset.loadOrReuse(server.authz(), dir);
        String token;
        try (Store db = Store.open(StoreConfig.embedded(dir))) {
            KeyRing ring = new KeyMaterialStore(db, RootKeyFile.openOrCreate(dir.resolve("root.key")), Clock.systemUTC())
                    .loadRing(KeyMaterialStore.TOKENS_RING);
            // as the platform's token endpoint issues it for the control plane (AdminAuth checks iss, aud and jti)
            token = new JwtSigner(() -> ring).sign(JwtClaims.builder().issuer(server.baseUrl()).audience(server.baseUrl())
                    .subject("svc-bench").jwtId(UUID.randomUUID().toString())
                    .expiresAt(Instant.now().plus(1, ChronoUnit.HOURS)).claim("scope", "aegis:authz").build(), "at+jwt");
        }
        Files.writeString(dir.resolve("ready"), server.baseUrl() + " " + store + " " + token + "\n", StandardCharsets.UTF_8);
        System.out.println("ready: " + server.baseUrl() + " store " + store);
        // Each line on stdin ("<mark>") asks for the load-independent cost so far, written to <dir>/cost as
        // "<mark> <allocated bytes> <CPU ns>" for the whole process, then for the request threads (the carriers of
        // the virtual threads that serve the connections), the audit writer and H2's background writer;
        // bench/authz-http.sh takes the difference around a wrk run and divides by its request count.
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            Path tmp = dir.resolve("cost.tmp");
            Files.writeString(tmp, line.strip() + " " + cost() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve("cost"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        server.close();
    }

    private static final String[] PARTS = {"ForkJoinPool-1-worker-", "aegis-audit-writer", "MVStore background writer"};

    private static String cost() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        long[] sums = new long[PARTS.length * 2];
        for (int i = 0; i < ids.length; i++) {
            for (int p = 0; p < PARTS.length; p++) {
                if (infos[i] != null && infos[i].getThreadName().startsWith(PARTS[p])) {
                    sums[2 * p] += Math.max(0, allocated[i]);
                    sums[2 * p + 1] += Math.max(0, threads.getThreadCpuTime(ids[i]));
                }
            }
        }
        StringBuilder b = new StringBuilder().append(threads.getTotalThreadAllocatedBytes()).append(' ').append(
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
        for (long v : sums) {
            b.append(' ').append(v);
        }
        return b.toString();
    }
}
