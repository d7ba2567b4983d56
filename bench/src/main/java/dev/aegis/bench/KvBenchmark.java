package dev.aegis.bench;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * KV version 2 through the whole request path of the secrets manager (token HMAC lookup, ACL, SQL, envelope
 * decryption or encryption, JSON, fail-closed audit record) with 32 concurrent callers, as OpenBao's published
 * figures used 32 workers. Throughput gives requests per second; SampleTime gives the p99 latency.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(32)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class KvBenchmark {
    private static final int KEYS = 1000;

    @Param({"embedded", "postgres"})
    public String database;

    private SecretsFixture fixture;
    private String[] paths;
    private String[] bodies;

    @Setup(Level.Trial)
    public void start() throws IOException {
        fixture = new SecretsFixture(database);
        paths = new String[KEYS];
        bodies = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            paths[i] = "secret/data/bench/key-" + i;
            bodies[i] = "{\"data\":{\"username\":\"svc-" + i + "\",\"password\":\"p-" + i + "-0123456789abcdef\"}}";
            fixture.call("POST", paths[i], fixture.token, bodies[i]);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    @Benchmark
    public int read() {
        int i = ThreadLocalRandom.current().nextInt(KEYS);
        return fixture.call("GET", paths[i], fixture.token, null).status();
    }

    @Benchmark
    public int write() {
        int i = ThreadLocalRandom.current().nextInt(KEYS);
        return fixture.call("POST", paths[i], fixture.token, bodies[i]).status();
    }
}
