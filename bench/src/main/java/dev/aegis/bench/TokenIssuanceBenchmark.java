package dev.aegis.bench;

import dev.aegis.core.api.crypto.ConstantTime;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.identity.internal.ClientRecord;
import dev.aegis.identity.internal.ClientRegistry;
import dev.aegis.identity.internal.GrantTypes;
import dev.aegis.identity.internal.IdentityPepper;
import dev.aegis.identity.internal.RevocationList;
import dev.aegis.identity.internal.TokenResponse;
import dev.aegis.identity.internal.TokenService;
import dev.aegis.identity.api.RevocationPublisher;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU work of one client-credentials token request, without HTTP and without the audit write: the client
 * lookup (the registry's cache), the HMAC-SHA256 of the presented secret under the pepper and the constant-time
 * comparison ({@link #clientSecretCheck}), and that plus an RFC 9068 ES256 access token and the JSON response
 * ({@link #clientCredentialsIssuance}). ACCP is registered first, as {@code aegis up} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TokenIssuanceBenchmark {
    private Path dir;
    private Store store;
    private ClientRegistry clients;
    private TokenService tokens;
    private String secret;

    @Setup
    public void setUp() throws Exception {
        Providers.select("accp");
        dir = Files.createTempDirectory("aegis-bench-identity");
        store = Store.open(StoreConfig.embedded(dir.resolve("data")));
        Clock clock = Clock.systemUTC();
        KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), clock);
        HmacFingerprint pepper = IdentityPepper.load(keys, clock);
        clients = new ClientRegistry(store, pepper, clock);
        secret = ClientRegistry.newSecret();
        clients.insert(new ClientRecord("bench-1", "bench-1", true, ClientRecord.SECRET_BASIC,
                Optional.of(clients.fingerprint(secret)), Set.of(GrantTypes.CLIENT_CREDENTIALS), Set.of("api:read"),
                List.of(), List.of("api"), Duration.ofMinutes(5), Duration.ofDays(1), false, false, Optional.empty(), List.of()));
        Instant now = Instant.now();
        KeyRing ring = KeyRing.of(List.of(SigningKey.generate(SigningAlgorithm.ES256, KeyId.random(), now).activate(now)));
        tokens = new TokenService(() -> ring, new RevocationList(store, clock, RevocationPublisher.NONE), clock, Duration.ofDays(1));
        tokens.issuer("https://aegis.example");
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public boolean clientSecretCheck() {
        ClientRecord client = clients.find("bench-1").orElseThrow();
        return ConstantTime.equals(client.secretHash().orElseThrow(), clients.fingerprint(secret));
    }

    @Benchmark
    public String clientCredentialsIssuance() {
        ClientRecord client = clients.find("bench-1").orElseThrow();
        if (!ConstantTime.equals(client.secretHash().orElseThrow(), clients.fingerprint(secret))) {
            throw new IllegalStateException("secret mismatch");
        }
        TokenService.Issued issued = tokens.issueAccessToken(new TokenService.AccessGrant(client.clientId(), client.clientId(),
                client.scopes(), client.audiences(), client.accessTokenTtl(), null, null, null, null, null));
        return new TokenResponse(issued, "Bearer", client.scopes(), null, null, null).json();
    }
}
