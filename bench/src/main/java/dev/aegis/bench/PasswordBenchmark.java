package dev.aegis.bench;

import dev.aegis.core.api.password.Argon2Parameters;
import dev.aegis.core.api.password.PasswordCheck;
import dev.aegis.core.api.password.PasswordHasher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Argon2id with the default (OWASP) parameters: the cost a human login pays by design, and the reason
 * server-generated secrets are hashed with HMAC instead (see {@link SymmetricBenchmark#hmacFingerprint}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PasswordBenchmark {
    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();

    private PasswordHasher hasher;
    private String stored;

    @Setup
    public void setUp() {
        hasher = new PasswordHasher(Argon2Parameters.defaults());
        stored = hasher.hash(PASSWORD);
    }

    @Benchmark
    public String argon2idHash() {
        return hasher.hash(PASSWORD);
    }

    @Benchmark
    public PasswordCheck argon2idVerify() {
        return hasher.verify(PASSWORD, stored);
    }
}
