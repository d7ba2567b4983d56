package dev.aegis.bench;

import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JWT sign and verify through Aegis's own {@link JwtSigner} and {@link JwtVerifier} (all RFC 8725 checks on),
 * per algorithm and per JCA provider. Verification cycles through 1024 distinct tokens (distinct subjects and
 * ids), so no cache can flatter the figure; signing builds fresh claims for every operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class JwtBenchmark {
    private static final int DISTINCT_TOKENS = 1024;

    @Param({"ES256", "EDDSA", "RS256"})
    public String algorithm;

    @Param({"accp", "jdk"})
    public String provider;

    private JwtSigner signer;
    private JwtVerifier verifier;
    private String[] tokens;
    private int next;
    private Instant expiry;

    @Setup
    public void setUp() {
        Providers.select(provider);
        Instant now = Instant.now();
        SigningKey key = SigningKey.generate(SigningAlgorithm.valueOf(algorithm), KeyId.random(), now).activate(now);
        KeyRing ring = KeyRing.of(List.of(key));
        signer = new JwtSigner(() -> ring);
        verifier = JwtVerifier.builder().keys(ring).issuer("https://aegis.example").audience("orders").type("at+jwt").build();
        expiry = now.plusSeconds(3600);
        tokens = new String[DISTINCT_TOKENS];
        for (int i = 0; i < DISTINCT_TOKENS; i++) {
            tokens[i] = signer.sign(claims(i), "at+jwt");
            if (!(verifier.verify(tokens[i]) instanceof TokenCheck.Valid)) {
                throw new IllegalStateException("benchmark token does not verify");
            }
        }
    }

    private JwtClaims claims(int i) {
        return JwtClaims.builder().issuer("https://aegis.example").subject("user-" + i).audience("orders")
                .expiresAt(expiry).issuedAt(Instant.now()).jwtId("jti-" + i + "-" + System.nanoTime())
                .claim("scope", "orders:read orders:write").build();
    }

    @Benchmark
    public String sign() {
        return signer.sign(claims(next++ & (DISTINCT_TOKENS - 1)), "at+jwt");
    }

    @Benchmark
    public TokenCheck verify() {
        return verifier.verify(tokens[next++ & (DISTINCT_TOKENS - 1)]);
    }
}
