package dev.aegis.core.api.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final RotationPolicy POLICY = RotationPolicy.defaults();

    /** A clock the test moves forward. */
    static final class SteppingClock extends Clock {
        private volatile Instant now;

        SteppingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private record IssuedToken(String token, Instant expiresAt, KeyId kid) {
    }

    @BeforeAll
    static void provider() {
        CryptoProviders.installPreferred();
    }

    @Test
    void monthsOfRotationNeverFailAVerification() {
        KeyRotation rotation = new KeyRotation(POLICY);
        SteppingClock clock = new SteppingClock(START);
        Duration step = Duration.ofHours(3);
        Duration jwksCacheLag = Duration.ofHours(12); // a remote verifier refreshes its JWKS twice a day
        List<String> publishedJwks = new ArrayList<>();
        int lagSteps = (int) (jwksCacheLag.toMillis() / step.toMillis());
        Map<KeyId, Instant> firstSigned = new HashMap<>();
        List<IssuedToken> live = new ArrayList<>();
        KeyRing ring = KeyRing.empty();
        int verified = 0;
        JwtVerifier current = null;

        for (int i = 0; i < 8 * 30 * 24 / 3; i++) { // 8 months
            Instant now = clock.instant();
            ring = rotation.advance(ring, now);
            if (i == 400) {
                ring = rotation.rotateNow(ring, now); // an unscheduled rotation in the middle
            }
            KeyRing published = ring;
            publishedJwks.add(published.publicJwkSetJson());
            current = JwtVerifier.builder().keys(published).clock(clock).build();
            JwtVerifier lagged = publishedJwks.size() > lagSteps
                    ? JwtVerifier.builder().keys(jwks(publishedJwks.get(publishedJwks.size() - 1 - lagSteps)))
                            .clock(clock).build()
                    : null;

            SigningKey active = published.signingKey().orElseThrow();
            Instant exp = now.plus(POLICY.maxTokenLifetime());
            String token = new JwtSigner(() -> published)
                    .sign(JwtClaims.builder().subject("svc-" + i).issuedAt(now).expiresAt(exp).build(), "at+jwt");
            firstSigned.putIfAbsent(active.keyId(), now);
            live.add(new IssuedToken(token, exp, active.keyId()));

            live.removeIf(t -> !now.isBefore(t.expiresAt().plus(POLICY.clockSkew())));
            for (IssuedToken t : live) {
                TokenCheck check = current.verify(t.token());
                assertInstanceOf(TokenCheck.Valid.class, check, "step " + i + " kid " + t.kid() + ": " + check);
                verified++;
                if (lagged != null) {
                    assertInstanceOf(TokenCheck.Valid.class, lagged.verify(t.token()),
                            "cached JWKS, step " + i + " kid " + t.kid());
                }
            }
            clock.advance(step);
        }

        assertTrue(verified > 10_000, "verified " + verified);
        assertTrue(firstSigned.size() >= 9, "8 months of 30-day rotation plus one unscheduled: " + firstSigned.size());
        Instant firstKeyTime = START;
        for (SigningKey k : ring.keys()) {
            Instant signedFrom = firstSigned.get(k.keyId());
            if (signedFrom != null && !signedFrom.equals(firstKeyTime)) {
                assertFalse(signedFrom.isBefore(k.createdAt().plus(POLICY.publishAhead())),
                        k + " signed before it was published for publishAhead");
            }
            if (k.state() == KeyState.DESTROYED) {
                Instant earliest = k.retiredAt().orElseThrow().plus(POLICY.maxTokenLifetime()).plus(POLICY.clockSkew());
                assertFalse(k.destroyedAt().orElseThrow().isBefore(earliest), k + " destroyed too early");
                assertFalse(k.hasPrivateKey());
            }
        }
        long destroyed = ring.keys().stream().filter(k -> k.state() == KeyState.DESTROYED).count();
        assertTrue(destroyed >= 7, "destroyed " + destroyed);
    }

    private static VerificationKeySource jwks(String json) {
        Map<KeyId, VerificationKey> keys = new HashMap<>();
        try {
            for (Map<String, Object> jwk : JSONObjectUtils.getJSONObjectArray(JSONObjectUtils.parse(json), "keys")) {
                VerificationKey k = VerificationKey.fromJwk(JSONObjectUtils.toJSONString(jwk));
                keys.put(k.keyId(), k);
            }
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
        return kid -> Optional.ofNullable(keys.get(kid));
    }

    @Test
    void emptyRingGetsAnActiveKeyAtOnce() {
        KeyRing ring = new KeyRotation(POLICY).advance(KeyRing.empty(), START);
        SigningKey active = ring.signingKey().orElseThrow();
        assertEquals(KeyState.ACTIVE, active.state());
        assertEquals(SigningAlgorithm.ES256, active.algorithm());
        assertEquals(START, active.activatedAt().orElseThrow());
        assertEquals(1, ring.keys().size());
    }

    @Test
    void successorIsPublishedAheadThenActivatedAndTheOldKeyRetired() {
        KeyRotation rotation = new KeyRotation(POLICY);
        KeyRing ring = rotation.advance(KeyRing.empty(), START);
        SigningKey first = ring.signingKey().orElseThrow();
        Instant publishAt = START.plus(Duration.ofDays(29));
        assertEquals(publishAt, rotation.nextEvent(ring));
        assertSame(ring, rotation.advance(ring, publishAt.minusSeconds(1)), "nothing due yet");

        ring = rotation.advance(ring, publishAt);
        assertEquals(2, ring.keys().size());
        SigningKey pending = ring.keys().get(1);
        assertEquals(KeyState.PENDING, pending.state());
        assertTrue(ring.find(pending.keyId()).isPresent(), "published");
        assertEquals(first.keyId(), ring.signingKey().orElseThrow().keyId(), "old key still signs");
        assertEquals(START.plus(Duration.ofDays(30)), rotation.nextEvent(ring));
        assertSame(ring, rotation.advance(ring, START.plus(Duration.ofDays(30)).minusMillis(1)));

        Instant rotateAt = START.plus(Duration.ofDays(30));
        ring = rotation.advance(ring, rotateAt);
        assertEquals(pending.keyId(), ring.signingKey().orElseThrow().keyId());
        SigningKey retired = ring.keys().get(0);
        assertEquals(KeyState.RETIRED, retired.state());
        assertTrue(ring.find(retired.keyId()).isPresent(), "retired keys stay published");
        Instant destroyAt = rotateAt.plus(POLICY.maxTokenLifetime()).plus(POLICY.clockSkew());
        assertEquals(destroyAt, rotation.nextEvent(ring));

        assertEquals(KeyState.RETIRED, rotation.advance(ring, destroyAt.minusMillis(1)).keys().get(0).state());
        ring = rotation.advance(ring, destroyAt);
        assertEquals(KeyState.DESTROYED, ring.keys().get(0).state());
        assertTrue(ring.find(retired.keyId()).isEmpty(), "destroyed keys are not published");
        assertFalse(ring.publicJwkSetJson().contains(retired.keyId().value()));
    }

    @Test
    void rotateNowActivatesAfterPublishAheadAndSupersedesAnOlderPendingKey() {
        KeyRotation rotation = new KeyRotation(POLICY);
        KeyRing ring = rotation.advance(KeyRing.empty(), START);
        Instant t = START.plus(Duration.ofDays(29)).plusSeconds(10);
        ring = rotation.advance(ring, t); // scheduled successor
        SigningKey scheduled = ring.keys().get(1);
        ring = rotation.rotateNow(ring, t.plusSeconds(10));
        SigningKey emergency = ring.keys().get(2);
        assertEquals(KeyState.PENDING, emergency.state());

        ring = rotation.advance(ring, t.plusSeconds(10).plus(POLICY.publishAhead()));
        assertEquals(emergency.keyId(), ring.signingKey().orElseThrow().keyId());
        assertEquals(KeyState.RETIRED, ring.keys().get(1).state(), scheduled + " superseded");
        assertEquals(1, ring.keys().stream().filter(k -> k.state() == KeyState.ACTIVE).count());
    }

    @Test
    void advanceIsIdempotent() {
        KeyRotation rotation = new KeyRotation(POLICY);
        KeyRing ring = rotation.advance(KeyRing.empty(), START);
        assertSame(ring, rotation.advance(ring, START));
        KeyRing withSuccessor = rotation.advance(ring, START.plus(Duration.ofDays(29)));
        assertSame(withSuccessor, rotation.advance(withSuccessor, START.plus(Duration.ofDays(29))));
    }

    @Test
    void policyValidatesItsDurations() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new RotationPolicy(
                SigningAlgorithm.ES256, Duration.ofDays(1), Duration.ofDays(1), Duration.ofHours(1), Duration.ZERO));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new RotationPolicy(
                SigningAlgorithm.ES256, Duration.ofDays(30), Duration.ZERO, Duration.ofHours(1), Duration.ZERO));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new RotationPolicy(
                SigningAlgorithm.ES256, Duration.ofDays(30), Duration.ofDays(1), Duration.ofHours(1),
                Duration.ofMinutes(6)));
        assertEquals(new RotationPolicy(SigningAlgorithm.ES256, Duration.ofDays(30), Duration.ofDays(1),
                Duration.ofDays(1), Duration.ofSeconds(60)), RotationPolicy.defaults());
    }
}
