package dev.aegis.pki.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.sdk.internal.Csr;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CA generations: published before they issue, retired ones trusted until their last SVID expired. */
class CaRotationTest {

    @TempDir
    Path dir;

    private static List<CaGeneration.State> states(WorkloadCa ca) {
        return ca.generations().stream().map(CaGeneration::state).toList();
    }

    private static Issuance.Issued issue(WorkloadCa ca) throws Exception {
        String token = ca.createJoinToken(WorkloadCaTest.API, null, "admin").revealSecret();
        return assertInstanceOf(Issuance.Issued.class, ca.issueWithJoinToken(token,
                Base64.getEncoder().encodeToString(Csr.create(Csr.newKeyPair(), null)), "t"));
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void newCaIsInTheBundleBeforeItIssuesAndTheOldStaysUntilItsSvidsExpired(PkiFixture.Db db) throws Exception {
        TestClock clock = TestClock.atSystemNow();
        try (PkiFixture f = PkiFixture.open(db, dir, clock)) {
            f.ca.register(new WorkloadRegistration(WorkloadCaTest.API, List.of(), Duration.ofHours(1), Map.of()), "admin");
            long seq0 = f.ca.bundle().sequence();
            X509Certificate oldIntermediate = issue(f.ca).chain().get(1);
            f.ca.rotateCa("admin");
            assertEquals(List.of(CaGeneration.State.ACTIVE, CaGeneration.State.PENDING), states(f.ca));
            assertEquals(2, f.ca.bundle().x509Authorities().size(), "the pending generation is published at once");
            assertTrue(f.ca.bundle().sequence() > seq0, "spiffe_sequence grows with every change");
            // Until publish-ahead (1 h) has passed, the old generation still issues.
            clock.advance(Duration.ofMinutes(59));
            f.ca.tick();
            assertEquals(oldIntermediate, issue(f.ca).chain().get(1));
            clock.advance(Duration.ofMinutes(2));
            f.ca.tick();
            assertEquals(List.of(CaGeneration.State.RETIRED, CaGeneration.State.ACTIVE), states(f.ca));
            X509Certificate newIntermediate = issue(f.ca).chain().get(1);
            assertTrue(!newIntermediate.equals(oldIntermediate));
            newIntermediate.verify(f.ca.generations().get(1).root().getPublicKey());
            assertEquals(2, f.ca.bundle().x509Authorities().size(), "the retired generation stays trusted");
            // The longest SVID lives 24 h: after that (plus skew) the retired generation leaves the bundle.
            clock.advance(Duration.ofHours(24).plusMinutes(2));
            f.ca.tick();
            assertEquals(List.of(CaGeneration.State.ACTIVE), states(f.ca));
            assertEquals(1, f.ca.bundle().x509Authorities().size());
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void rotationHappensOnScheduleWithoutAnyCommand(PkiFixture.Db db) throws Exception {
        TestClock clock = TestClock.atSystemNow();
        PkiSettings settings = PkiSettings.defaults(PkiFixture.DOMAIN).withCaRotation(Duration.ofDays(7), Duration.ofHours(1));
        try (PkiFixture f = PkiFixture.open(db, dir, clock, settings)) {
            clock.advance(Duration.ofDays(7));
            f.ca.tick();
            assertEquals(List.of(CaGeneration.State.ACTIVE, CaGeneration.State.PENDING), states(f.ca));
            clock.advance(Duration.ofHours(1));
            f.ca.tick();
            assertEquals(List.of(CaGeneration.State.RETIRED, CaGeneration.State.ACTIVE), states(f.ca));
            assertEquals(2, f.ca.generations().get(1).number());
            assertTrue(f.auditCount("pki.ca.activate", "INFO") >= 1);
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void twoNodesTickingAtOnceCreateOneGeneration(PkiFixture.Db db) throws Exception {
        TestClock clock = TestClock.atSystemNow();
        try (PkiFixture f = PkiFixture.open(db, dir, clock)) {
            WorkloadCa second = WorkloadCa.start(PkiSettings.defaults(PkiFixture.DOMAIN), f.store, f.keys, f.audit,
                    PlatformEvents.none(), clock);
            f.ca.rotateCa("a");
            second.rotateCa("b");
            second.tick();
            assertEquals(2, second.generations().size(), "the second node saw the pending generation and did not add one");
            // The intermediate key sealed by one node opens on the other.
            clock.advance(Duration.ofHours(2));
            f.ca.tick();
            second.tick();
            f.ca.register(new WorkloadRegistration(WorkloadCaTest.API, List.of(), Duration.ofHours(1), Map.of()), "admin");
            assertEquals(issue(f.ca).chain().get(1), issue(second).chain().get(1));
        }
    }
}
