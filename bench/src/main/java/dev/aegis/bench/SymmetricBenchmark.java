package dev.aegis.bench;

import dev.aegis.core.api.crypto.Aes256Gcm;
import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.Envelope;
import dev.aegis.core.api.crypto.EnvelopeCipher;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.MasterKeyRing;
import dev.aegis.core.api.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
 * AES-256-GCM of a 1 KiB record, envelope encryption (fresh data key per record, wrapped by a master key) and
 * the HMAC fingerprint used for server-generated secrets, per JCA provider.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SymmetricBenchmark {
    private static final byte[] AAD = "ring=tokens;kid=k1".getBytes(StandardCharsets.UTF_8);

    @Param({"accp", "jdk"})
    public String provider;

    private Aes256Gcm aead;
    private EnvelopeCipher envelopes;
    private HmacFingerprint fingerprints;
    private byte[] record;
    private byte[] ciphertext;
    private Envelope envelope;
    private byte[] apiKey;

    @Setup
    public void setUp() throws DecryptionFailedException {
        Providers.select(provider);
        record = new byte[1024];
        ThreadLocalRandom.current().nextBytes(record);
        aead = Aes256Gcm.of(KeyId.of("bench-aead"), SecretBytes.random(32));
        ciphertext = aead.encrypt(record, AAD);
        Aes256Gcm master = Aes256Gcm.of(KeyId.of("bench-master"), SecretBytes.random(32));
        envelopes = new EnvelopeCipher(MasterKeyRing.of(List.of(master), master.keyId()));
        envelope = envelopes.seal(record, AAD);
        envelopes.open(envelope, AAD);
        fingerprints = new HmacFingerprint(SecretBytes.random(32));
        apiKey = SecretBytes.random(32).revealCopy();
    }

    @Benchmark
    public byte[] aeadEncrypt1KiB() {
        return aead.encrypt(record, AAD);
    }

    @Benchmark
    public byte[] aeadDecrypt1KiB() throws DecryptionFailedException {
        return aead.decrypt(ciphertext, AAD);
    }

    @Benchmark
    public Envelope envelopeSeal1KiB() {
        return envelopes.seal(record, AAD);
    }

    @Benchmark
    public byte[] envelopeOpen1KiB() throws DecryptionFailedException {
        return envelopes.open(envelope, AAD);
    }

    @Benchmark
    public String hmacFingerprint() {
        return fingerprints.of(apiKey);
    }
}
