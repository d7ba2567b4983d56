package dev.aegis.pki.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.mtls.X509SvidRules;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.internal.Csr;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkloadCaTest {

    static final SpiffeId API = PkiFixture.DOMAIN.id("/payments/api");

    @TempDir
    Path dir;

    private static String csr(KeyPair keys, SpiffeId id) {
        return Base64.getEncoder().encodeToString(Csr.create(keys, id));
    }

    private static Issuance.Issued join(WorkloadCa ca, SpiffeId id, KeyPair keys) throws Exception {
        String token = ca.createJoinToken(id, null, "admin").revealSecret();
        return assertInstanceOf(Issuance.Issued.class, ca.issueWithJoinToken(token, csr(keys, null), "127.0.0.1"));
    }

    private static void register(WorkloadCa ca, SpiffeId id, List<String> dns) throws Exception {
        assertTrue(ca.register(new WorkloadRegistration(id, dns, Duration.ofHours(1), Map.of("team", "payments")), "admin").isPresent());
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void joinTokenIssuesAnX509SvidPerTheSpecWithDefaultTtlOfOneHour(PkiFixture.Db db) throws Exception {
        TestClock clock = TestClock.atSystemNow();
        try (PkiFixture f = PkiFixture.open(db, dir, clock)) {
            register(f.ca, API, List.of("api.payments.svc"));
            KeyPair keys = Csr.newKeyPair();
            Issuance.Issued issued = join(f.ca, API, keys);
            X509Certificate leaf = issued.chain().getFirst();
            assertEquals(API, issued.spiffeId());
            assertTrue(X509SvidRules.leafViolation(leaf).isEmpty());
            assertEquals(-1, leaf.getBasicConstraints());
            boolean[] ku = leaf.getKeyUsage();
            assertTrue(ku[0], "digitalSignature");
            assertFalse(ku[5], "keyCertSign");
            assertFalse(ku[6], "cRLSign");
            assertTrue(Duration.between(clock.instant(), issued.expiresAt()).compareTo(Duration.ofMinutes(59)) > 0);
            assertTrue(Duration.between(clock.instant(), issued.expiresAt()).compareTo(Duration.ofMinutes(61)) < 0);
            assertEquals(keys.getPublic(), leaf.getPublicKey(), "the CA certifies the workload's own key");
            X509Svid svid = X509Svid.of(issued.chain(), keys.getPrivate());
            assertEquals(API, svid.spiffeId());
            // The chain leads to a root in the bundle; the intermediate is a CA with keyCertSign.
            X509Certificate intermediate = issued.chain().get(1);
            assertTrue(X509SvidRules.signerViolation(intermediate).isEmpty());
            TrustBundle bundle = f.ca.bundle();
            assertEquals(1, bundle.x509Authorities().size());
            intermediate.verify(bundle.x509Authorities().getFirst().getPublicKey());
            leaf.verify(intermediate.getPublicKey());
            assertEquals(1, f.auditCount("pki.svid.issue", "ALLOW"));
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void joinTokenIsOneTime(PkiFixture.Db db) throws Exception {
        try (PkiFixture f = PkiFixture.open(db, dir, TestClock.atSystemNow())) {
            register(f.ca, API, List.of());
            String token = f.ca.createJoinToken(API, null, "admin").revealSecret();
            assertInstanceOf(Issuance.Issued.class, f.ca.issueWithJoinToken(token, csr(Csr.newKeyPair(), null), "t"));
            Issuance.Refused again = assertInstanceOf(Issuance.Refused.class, f.ca.issueWithJoinToken(token, csr(Csr.newKeyPair(), null), "t"));
            assertEquals(IssuanceError.INVALID_JOIN_TOKEN, again.error());
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void expiredJoinTokenIsRefused(PkiFixture.Db db) throws Exception {
        TestClock clock = TestClock.atSystemNow();
        try (PkiFixture f = PkiFixture.open(db, dir, clock)) {
            register(f.ca, API, List.of());
            String token = f.ca.createJoinToken(API, Duration.ofMinutes(5), "admin").revealSecret();
            clock.advance(Duration.ofMinutes(6));
            Issuance.Refused r = assertInstanceOf(Issuance.Refused.class, f.ca.issueWithJoinToken(token, csr(Csr.newKeyPair(), null), "t"));
            assertEquals(IssuanceError.INVALID_JOIN_TOKEN, r.error());
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void mismatchedCsrIsRefusedAndTheTokenSurvives(PkiFixture.Db db) throws Exception {
        try (PkiFixture f = PkiFixture.open(db, dir, TestClock.atSystemNow())) {
            register(f.ca, API, List.of());
            String token = f.ca.createJoinToken(API, null, "admin").revealSecret();
            SpiffeId other = PkiFixture.DOMAIN.id("/payments/admin");
            Issuance.Refused r = assertInstanceOf(Issuance.Refused.class,
                    f.ca.issueWithJoinToken(token, csr(Csr.newKeyPair(), other), "t"));
            assertEquals(IssuanceError.SPIFFE_ID_MISMATCH, r.error());
            assertEquals("the csr asks for a SPIFFE ID other than the one this credential is bound to", r.detail());
            // Nothing was lost: the same token still works with a correct request.
            assertInstanceOf(Issuance.Issued.class, f.ca.issueWithJoinToken(token, csr(Csr.newKeyPair(), API), "t"));
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void revokedWorkloadCannotJoinOrMintTokens(PkiFixture.Db db) throws Exception {
        try (PkiFixture f = PkiFixture.open(db, dir, TestClock.atSystemNow())) {
            register(f.ca, API, List.of());
            String token = f.ca.createJoinToken(API, null, "admin").revealSecret();
            assertTrue(f.ca.revokeWorkload(API, "admin"));
            assertFalse(f.ca.revokeWorkload(API, "admin"));
            Issuance.Refused r = assertInstanceOf(Issuance.Refused.class, f.ca.issueWithJoinToken(token, csr(Csr.newKeyPair(), null), "t"));
            assertEquals(IssuanceError.WORKLOAD_REVOKED, r.error());
            assertThrows(IllegalArgumentException.class, () -> f.ca.createJoinToken(API, null, "admin"));
            assertEquals(List.of("workload.revoked " + API), f.published());
            assertTrue(f.ca.revocationList().workloadRevoked(API));
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void registrationIsUniqueAndListed(PkiFixture.Db db) throws Exception {
        try (PkiFixture f = PkiFixture.open(db, dir, TestClock.atSystemNow())) {
            register(f.ca, API, List.of("a.example.org"));
            assertTrue(f.ca.register(new WorkloadRegistration(API, List.of(), Duration.ofHours(1), Map.of()), "admin").isEmpty());
            List<Workload> all = f.ca.workloads(100);
            assertEquals(1, all.size());
            assertEquals(List.of("a.example.org"), all.getFirst().registration().dnsNames());
            assertEquals(Map.of("team", "payments"), all.getFirst().registration().metadata());
        }
    }
}
