package dev.aegis.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** Transit encrypt and decrypt of a 64-byte plaintext through the whole request path, 32 callers. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(32)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class TransitBenchmark {
    private static final String PLAINTEXT = java.util.Base64.getEncoder().encodeToString(new byte[64]);

    private SecretsFixture fixture;
    private String decryptBody;

    @Setup(Level.Trial)
    public void start() throws IOException {
        fixture = new SecretsFixture("embedded");
        String r = fixture.call("POST", "transit/encrypt/bench", fixture.token, "{\"plaintext\":\"" + PLAINTEXT + "\"}").body();
        int at = r.indexOf("\"ciphertext\":\"") + 14;
        decryptBody = "{\"ciphertext\":\"" + r.substring(at, r.indexOf('"', at)) + "\"}";
    }

    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    @Benchmark
    public int encrypt() {
        return fixture.call("POST", "transit/encrypt/bench", fixture.token, "{\"plaintext\":\"" + PLAINTEXT + "\"}").status();
    }

    @Benchmark
    public int decrypt() {
        return fixture.call("POST", "transit/decrypt/bench", fixture.token, decryptBody).status();
    }
}
