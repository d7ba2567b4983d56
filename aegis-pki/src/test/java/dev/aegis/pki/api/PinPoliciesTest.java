package dev.aegis.pki.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.sdk.api.mtls.PinPolicy;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PinPoliciesTest {

    @TempDir
    Path dir;

    static final SpiffeId SCOPE = PkiFixture.DOMAIN.spiffeId();

    private static String pin(CaGeneration g) {
        return PinPolicy.pinOf(g.root());
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void publishedPoliciesAreSignedVersionedAndNeedABackupPin(PkiFixture.Db db) throws Exception {
        TestClock clock = TestClock.atSystemNow();
        try (PkiFixture f = PkiFixture.open(db, dir, clock)) {
            PinPolicies pins = new PinPolicies(f.store, f.keys, f.audit, clock);
            String root = pin(f.ca.generations().getFirst());
            String backup = PinPolicy.pinOf(f.ca.generations().getFirst().intermediate());
            IllegalArgumentException noBackup = assertThrows(IllegalArgumentException.class,
                    () -> pins.publish(SCOPE, Set.of(root), Set.of(), Duration.ofDays(30), "alice"));
            assertEquals("a pin policy needs a backup pin (RFC 7469 §4.3)", noBackup.getMessage());
            assertEquals(1, pins.publish(SCOPE, Set.of(root), Set.of(backup), Duration.ofDays(30), "alice").version());
            assertEquals(2, pins.publish(SCOPE, Set.of(root, "x".repeat(43) + "="), Set.of(backup), Duration.ofDays(30), "alice").version());
            List<String> docs = pins.documents();
            assertEquals(1, docs.size());
            PinPolicy parsed = PinPolicy.parseSigned(docs.getFirst(), pins.verifier());
            assertEquals(2, parsed.version());
            // A tampered document fails its signature.
            String tampered = docs.getFirst().substring(0, docs.getFirst().length() - 4) + "AAAA";
            assertThrows(IllegalArgumentException.class, () -> PinPolicy.parseSigned(tampered, pins.verifier()));
            assertEquals(2, f.auditCount("pki.pins.publish", "ALLOW"));
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void emergencyUnpinNeedsTwoDistinctAdminsAndExpiresByItself(PkiFixture.Db db) throws Exception {
        TestClock clock = TestClock.atSystemNow();
        try (PkiFixture f = PkiFixture.open(db, dir, clock)) {
            PinPolicies pins = new PinPolicies(f.store, f.keys, f.audit, clock);
            String request = pins.requestUnpin(SCOPE, Duration.ofHours(2), "CA key suspected compromised", "alice");
            PinPolicies.Approval self = pins.approveUnpin(request, "alice");
            assertEquals(new PinPolicies.Approval.Denied("an emergency unpin needs two distinct administrators"), self);
            assertTrue(pins.documents().isEmpty(), "nothing is in force after a refused approval");
            PinPolicies.Approval.Approved ok = assertInstanceOf(PinPolicies.Approval.Approved.class, pins.approveUnpin(request, "bob"));
            assertTrue(ok.policy().disabled());
            PinPolicy doc = PinPolicy.parseSigned(pins.documents().getFirst(), pins.verifier());
            assertTrue(doc.disabled() && doc.inForce(clock.instant()));
            assertEquals(new PinPolicies.Approval.Denied("the request is already approved"), pins.approveUnpin(request, "carol"));
            clock.advance(Duration.ofHours(2).plusSeconds(1));
            assertTrue(pins.documents().isEmpty(), "the unpin expired by itself");
            assertEquals(1, f.auditCount("pki.pins.unpin.approve", "ALLOW"));
            assertEquals(2, f.auditCount("pki.pins.unpin.approve", "DENY"));
            assertEquals(1, f.auditCount("pki.pins.unpin.request", "INFO"));
        }
    }

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void unpinRequestExpiresWithoutItsSecondAdmin(PkiFixture.Db db) throws Exception {
        TestClock clock = TestClock.atSystemNow();
        try (PkiFixture f = PkiFixture.open(db, dir, clock)) {
            PinPolicies pins = new PinPolicies(f.store, f.keys, f.audit, clock);
            String request = pins.requestUnpin(SCOPE, Duration.ofHours(1), "drill", "alice");
            clock.advance(PinPolicies.APPROVAL_WINDOW.plusSeconds(1));
            assertEquals(new PinPolicies.Approval.Denied("the request expired before a second administrator approved it"),
                    pins.approveUnpin(request, "bob"));
            assertThrows(IllegalArgumentException.class, () -> pins.requestUnpin(SCOPE, Duration.ofDays(2), "too long", "alice"));
        }
    }
}
