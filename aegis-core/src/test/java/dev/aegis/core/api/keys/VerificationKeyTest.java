package dev.aegis.core.api.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.aegis.core.api.crypto.KeyId;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationKeyTest {

    @Test
    void publicJwkWithKidAndAlgIsAccepted() throws Exception {
        String json = new ECKeyGenerator(Curve.P_256).keyID("ec-1").algorithm(JWSAlgorithm.ES256)
                .keyUse(KeyUse.SIGNATURE).generate().toPublicJWK().toJSONString();
        VerificationKey k = VerificationKey.fromJwk(json);
        assertEquals(KeyId.of("ec-1"), k.keyId());
        assertEquals(SigningAlgorithm.ES256, k.algorithm());
    }

    @Test
    void unusableJwksAreRefused() throws Exception {
        String[] bad = {
            null, "", "{}", "not json", "x".repeat(20_000),
            new ECKeyGenerator(Curve.P_256).algorithm(JWSAlgorithm.ES256).generate().toPublicJWK().toJSONString(),
            new ECKeyGenerator(Curve.P_256).keyID("k").generate().toPublicJWK().toJSONString(),
            new ECKeyGenerator(Curve.P_256).keyID("k").algorithm(JWSAlgorithm.ES256).generate().toJSONString(),
            new OctetSequenceKeyGenerator(256).keyID("k").algorithm(JWSAlgorithm.HS256).generate().toJSONString(),
            new ECKeyGenerator(Curve.P_384).keyID("k").algorithm(JWSAlgorithm.ES256).generate().toPublicJWK().toJSONString(),
            new ECKeyGenerator(Curve.P_256).keyID("k").algorithm(JWSAlgorithm.RS256).generate().toPublicJWK().toJSONString(),
            new ECKeyGenerator(Curve.P_256).keyID("k").algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.ENCRYPTION)
                    .generate().toPublicJWK().toJSONString(),
            new RSAKeyGenerator(1024, true).keyID("k").algorithm(JWSAlgorithm.RS256).generate().toPublicJWK().toJSONString(),
            new OctetKeyPairGenerator(Curve.X25519).keyID("k").algorithm(JWSAlgorithm.EdDSA).generate().toPublicJWK().toJSONString(),
            new ECKeyGenerator(Curve.P_256).keyID("a b").algorithm(JWSAlgorithm.ES256).generate().toPublicJWK().toJSONString(),
        };
        for (String json : bad) {
            assertThrows(IllegalArgumentException.class, () -> VerificationKey.fromJwk(json), String.valueOf(json));
        }
    }

    @Test
    void keyRingPublishesAndFindsAllButDestroyedKeys() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        SigningKey pending = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("p"), t);
        SigningKey active = SigningKey.generate(SigningAlgorithm.EDDSA, KeyId.of("a"), t).activate(t);
        SigningKey retired = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("r"), t).activate(t).retire(t);
        SigningKey destroyed = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("d"), t).activate(t).retire(t)
                .destroy(t);
        KeyRing ring = KeyRing.of(List.of(pending, active, retired, destroyed));
        assertEquals(active, ring.signingKey().orElseThrow());
        assertTrue(ring.find(KeyId.of("p")).isPresent());
        assertTrue(ring.find(KeyId.of("a")).isPresent());
        assertTrue(ring.find(KeyId.of("r")).isPresent());
        assertTrue(ring.find(KeyId.of("d")).isEmpty());
        assertTrue(ring.find(KeyId.of("x")).isEmpty());
        String jwks = ring.publicJwkSetJson();
        assertTrue(jwks.startsWith("{\"keys\":[{") && jwks.endsWith("}]}"), jwks);
        assertEquals(3, jwks.split("\"kid\"").length - 1);
        assertEquals("{\"keys\":[]}", KeyRing.empty().publicJwkSetJson());
        assertThrows(IllegalArgumentException.class, () -> KeyRing.of(List.of(active, active)));
        SigningKey active2 = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("a2"), t).activate(t);
        assertThrows(IllegalArgumentException.class, () -> KeyRing.of(List.of(active, active2)));
    }
}
