package dev.aegis.bench;

import dev.aegis.policy.api.AuthzService;
import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * In-process checks on the 1,000,000-tuple Drive dataset (depth 4), half allowed and half denied, on random
 * documents and users; the decision cache can be switched off to measure evaluation alone, and the
 * concurrent evaluation of union branches on or off. The database is built once and kept in {@code dataDir}.
 * Run: {@code ./aegis bench -f 1 -wi 2 -w 5s -i 3 -r 10s -t 2 AuthzCheckBenchmark}.
 */
@State(Scope.Benchmark)
public class AuthzCheckBenchmark {
    @Param({"0", "100000"})
    public int decisionCache;

    @Param({"false", "true"})
    public boolean parallelUnions;

    /** Where the database is kept between trials and runs (-p dataDir=...); loaded on first use. */
    @Param({"bench/target/authz-drive-db"})
    public String dataDir;

    Path dir;
    Store store;
    AuthzService authz;
    String storeId;

    @Setup(Level.Trial)
    public void load() throws IOException {
        dir = Path.of(dataDir).toAbsolutePath();
        Files.createDirectories(dir);
        store = Store.open(StoreConfig.embedded(dir));
        authz = AuthzService.start(store, null, null, AuthzSettings.defaults().withDecisionCacheSize(decisionCache)
                .withParallelUnions(parallelUnions).withMaxListResults(100_000), Clock.systemUTC(), List.of());
        storeId = DriveDataset.loadOrReuse(authz, dir);
        int visible = authz.listObjects(storeId, "document", "viewer", DriveDataset.LISTER).size();
        if (visible != 10_000) { // the list benchmark measures a correct answer or nothing
            throw new IllegalStateException(DriveDataset.LISTER + " sees " + visible + " documents, not 10,000");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        authz.close();
        store.close();
    }

    @State(Scope.Thread)
    public static class Requests {
        final SplittableRandom random = new SplittableRandom(42);
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean check(Requests r) {
        String[] c = DriveDataset.randomCheck(r.random);
        return authz.check(storeId, c[0], c[1], c[2]);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int listObjectsTenThousand() {
        return authz.listObjects(storeId, "document", "viewer", DriveDataset.LISTER).size();
    }
}
