package dev.aegis.core.api.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningKeyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void generatedKeyIsPendingAndPublishesAPublicJwkOnly(SigningAlgorithm algorithm) {
        SigningKey key = SigningKey.generate(algorithm, KeyId.of("k1"), T0);
        assertEquals(KeyState.PENDING, key.state());
        assertEquals(algorithm, key.verificationKey().algorithm());
        String jwk = key.publicJwkJson();
        assertTrue(jwk.contains("\"kid\":\"k1\""), jwk);
        assertTrue(jwk.contains("\"alg\":\"" + algorithm.joseName() + "\""), jwk);
        assertFalse(jwk.contains("\"d\""), "no private exponent/scalar in " + jwk);
        String priv = new String(key.exportPrivateJwk().revealCopy(), StandardCharsets.UTF_8);
        assertTrue(priv.contains("\"d\""));
        assertFalse(key.toString().contains(priv.substring(priv.indexOf("\"d\""), priv.indexOf("\"d\"") + 10)));
    }

    @Test
    void lifeCycleMovesForwardOnly() {
        SigningKey pending = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k1"), T0);
        SigningKey active = pending.activate(T0.plusSeconds(10));
        SigningKey retired = active.retire(T0.plusSeconds(20));
        SigningKey destroyed = retired.destroy(T0.plusSeconds(30));
        assertEquals(KeyState.DESTROYED, destroyed.state());
        assertEquals(Optional.of(T0.plusSeconds(10)), destroyed.activatedAt());
        assertEquals(Optional.of(T0.plusSeconds(20)), destroyed.retiredAt());
        assertEquals(Optional.of(T0.plusSeconds(30)), destroyed.destroyedAt());
        assertFalse(destroyed.hasPrivateKey());
        assertThrows(IllegalStateException.class, destroyed::exportPrivateJwk);

        assertThrows(IllegalStateException.class, () -> pending.destroy(T0));
        assertThrows(IllegalStateException.class, () -> active.activate(T0.plusSeconds(11)));
        assertThrows(IllegalStateException.class, () -> retired.activate(T0.plusSeconds(40)));
        assertThrows(IllegalStateException.class, () -> retired.retire(T0.plusSeconds(40)));
        assertThrows(IllegalStateException.class, () -> destroyed.retire(T0.plusSeconds(40)));
        assertThrows(IllegalStateException.class, () -> pending.activate(T0.minusSeconds(1)), "before creation");
        assertThrows(IllegalStateException.class, () -> active.retire(T0.plusSeconds(5)), "before activation");
        assertThrows(IllegalStateException.class, () -> retired.destroy(T0.plusSeconds(19)), "before retirement");
        assertEquals(KeyState.PENDING, pending.state(), "transitions return new instances");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void exportedKeyRestoresAndStillSigns(SigningAlgorithm algorithm) {
        SigningKey active = SigningKey.generate(algorithm, KeyId.of("k1"), T0).activate(T0.plusSeconds(1));
        SigningKey restored = SigningKey.restore(active.keyId(), algorithm, KeyState.ACTIVE, T0, T0.plusSeconds(1),
                null, null, active.publicJwkJson(), Optional.of(active.exportPrivateJwk()));
        assertEquals(active.publicJwkJson(), restored.publicJwkJson());
        assertEquals(KeyState.ACTIVE, restored.state());
        assertTrue(restored.hasPrivateKey());
        KeyRing ring = KeyRing.of(List.of(restored));
        String token = new dev.aegis.core.api.jwt.JwtSigner(() -> ring).sign(dev.aegis.core.api.jwt.JwtClaims
                .builder().expiresAt(Instant.now().plusSeconds(60)).build(), "JWT");
        assertTrue(dev.aegis.core.api.jwt.JwtVerifier.builder().keys(KeyRing.of(List.of(active))).build()
                .verify(token) instanceof dev.aegis.core.api.jwt.TokenCheck.Valid);
    }

    @Test
    void restoreRefusesInconsistentRecords() {
        SigningKey a = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k1"), T0);
        SigningKey b = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k1"), T0);
        Optional<SecretBytes> priv = Optional.of(a.exportPrivateJwk());
        String pub = a.publicJwkJson();
        KeyId k1 = KeyId.of("k1");
        SigningAlgorithm es = SigningAlgorithm.ES256;
        Instant t1 = T0.plusSeconds(1);
        assertThrows(IllegalArgumentException.class, () -> SigningKey.restore(k1, es, KeyState.ACTIVE, T0, null,
                null, null, pub, priv), "ACTIVE without activation time");
        assertThrows(IllegalArgumentException.class, () -> SigningKey.restore(k1, es, KeyState.ACTIVE, T0, t1,
                null, null, pub, Optional.empty()), "ACTIVE without private key");
        assertThrows(IllegalArgumentException.class, () -> SigningKey.restore(k1, es, KeyState.DESTROYED, T0, t1,
                t1, t1, pub, priv), "DESTROYED with private key");
        assertThrows(IllegalArgumentException.class, () -> SigningKey.restore(k1, es, KeyState.ACTIVE, T0,
                T0.minusSeconds(1), null, null, pub, priv), "activated before created");
        assertThrows(IllegalArgumentException.class, () -> SigningKey.restore(k1, es, KeyState.PENDING, T0, null,
                null, null, pub, Optional.of(b.exportPrivateJwk())), "private key of another pair");
        assertThrows(IllegalArgumentException.class, () -> SigningKey.restore(KeyId.of("k2"), es, KeyState.PENDING,
                T0, null, null, null, pub, priv), "kid mismatch");
        assertThrows(IllegalArgumentException.class, () -> SigningKey.restore(k1, SigningAlgorithm.RS256,
                KeyState.PENDING, T0, null, null, null, pub, priv), "alg mismatch");
        assertThrows(IllegalArgumentException.class, () -> SigningKey.restore(k1, es, KeyState.PENDING, T0, null,
                null, null, new String(priv.get().revealCopy(), StandardCharsets.UTF_8), priv), "private as public");
        SigningKey retired = SigningKey.restore(k1, es, KeyState.RETIRED, T0, t1, t1, null, pub, Optional.empty());
        assertFalse(retired.hasPrivateKey());
    }
}
