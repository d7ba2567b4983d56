package dev.aegis.bench;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.pki.api.Issuance;
import dev.aegis.pki.api.PkiSettings;
import dev.aegis.pki.api.PlatformEvents;
import dev.aegis.pki.api.WorkloadCa;
import dev.aegis.pki.api.WorkloadRegistration;
import dev.aegis.pki.internal.CertificateMint;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.sdk.internal.Csr;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * X509-SVID issuance per second. {@code renewThroughCa} is the whole server-side path of a renewal on the
 * embedded H2 database: PKIX validation of the presented SVID, the PKCS#10 parse and proof-of-possession check,
 * the workload and revocation lookups, minting and signing the leaf, the {@code pki_svids} insert (one
 * transaction) and a fail-closed audit record (group commit). {@code mintOnly} is the certificate signing alone.
 * CSRs come from a pool of 512 pre-built requests (building them is the workload's cost, not the CA's).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SvidIssuanceBenchmark {

    private static final int CSRS = 512;

    @Param({"accp"})
    public String provider;

    private Path dir;
    private Store store;
    private AuditLog audit;
    private WorkloadCa ca;
    private X509Certificate[] presented;
    private String[] csrs;
    private PublicKey[] keys;
    private final AtomicInteger next = new AtomicInteger();
    private CertificateMint.Generation generation;
    private SpiffeId id;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Providers.select(provider);
        dir = Files.createTempDirectory("aegis-bench-pki");
        Clock clock = Clock.systemUTC();
        store = Store.open(StoreConfig.embedded(dir.resolve("data")));
        KeyMaterialStore km = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), clock);
        audit = AuditLog.start(AuditSettings.defaults(), store, km, List.of(), clock);
        TrustDomain domain = TrustDomain.of("bench.aegis");
        ca = WorkloadCa.start(PkiSettings.defaults(domain), store, km, audit, PlatformEvents.none(), clock);
        id = domain.id("/bench/api");
        ca.register(new WorkloadRegistration(id, List.of(), Duration.ofHours(1), Map.of()), "bench");
        KeyPair first = Csr.newKeyPair();
        Issuance.Issued issued = (Issuance.Issued) ca.issueWithJoinToken(ca.createJoinToken(id, null, "bench").revealSecret(),
                Base64.getEncoder().encodeToString(Csr.create(first, id)), "bench");
        presented = issued.chain().toArray(new X509Certificate[0]);
        csrs = new String[CSRS];
        keys = new PublicKey[CSRS];
        for (int i = 0; i < CSRS; i++) {
            KeyPair kp = Csr.newKeyPair();
            keys[i] = kp.getPublic();
            csrs[i] = Base64.getEncoder().encodeToString(Csr.create(kp, id));
        }
        generation = CertificateMint.newGeneration(domain, 1, Instant.now(), Instant.now().plus(Duration.ofDays(2)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        audit.close();
        store.close();
    }

    @Benchmark
    public Object renewThroughCa() throws Exception {
        Issuance result = ca.renew(presented, csrs[next.getAndIncrement() & (CSRS - 1)], "bench");
        if (!(result instanceof Issuance.Issued)) {
            throw new IllegalStateException("renewal refused: " + result);
        }
        return result;
    }

    @Benchmark
    public X509Certificate mintOnly() {
        Instant now = Instant.now();
        return CertificateMint.leaf(generation.intermediate(), generation.intermediateKey(), keys[next.getAndIncrement() & (CSRS - 1)],
                id, List.of(), now, now.plus(Duration.ofHours(1)));
    }
}
