package dev.aegis.core.api.jwt;

import static dev.aegis.core.api.jwt.JwtVerifierTest.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.JWK;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Algorithm confusion (RFC 8725 §2.1, CVE-2016-10555 class): the attacker takes the server's public key, uses its
 * bytes as an HMAC secret and sends {@code alg: HS256}. A verifier that lets the token pick the algorithm would
 * check the MAC with the "key" and accept it.
 */
class AlgorithmConfusionHs256WithPublicKeyTest {

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"ES256", "RS256", "EDDSA"})
    void hs256SignedWithThePublicKeyIsRejected(SigningAlgorithm algorithm) throws Exception {
        SigningKey key = SigningKey.generate(algorithm, KeyId.of("victim"), NOW).activate(NOW);
        KeyRing ring = KeyRing.of(List.of(key));
        String claims = "{\"iss\":\"" + JwtVerifierTest.ISSUER + "\",\"sub\":\"admin\",\"aud\":\""
                + JwtVerifierTest.AUDIENCE + "\",\"exp\":" + NOW.plusSeconds(300).getEpochSecond() + "}";
        String header = "{\"alg\":\"HS256\",\"kid\":\"victim\",\"typ\":\"at+jwt\"}";
        JWK publicJwk = JWK.parse(key.publicJwkJson());
        byte[][] secrets = {
            key.publicJwkJson().getBytes(StandardCharsets.UTF_8),
            publicJwk.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
            encodedPublicKey(publicJwk),
        };
        JwtVerifier verifier = JwtVerifierTest.verifier(ring, NOW);
        for (byte[] secret : secrets) {
            String forged = ForgedTokens.hs256(header, claims, secret);
            assertEquals(TokenError.ALGORITHM_NOT_ALLOWED, JwtVerifierTest.rejection(verifier.verify(forged)));
        }
        for (String hmac : new String[] {"HS384", "HS512", "hs256"}) {
            String forged = ForgedTokens.hs256(header.replace("HS256", hmac), claims, secrets[0]);
            assertEquals(TokenError.ALGORITHM_NOT_ALLOWED, JwtVerifierTest.rejection(verifier.verify(forged)), hmac);
        }
    }

    private static byte[] encodedPublicKey(JWK jwk) throws Exception {
        return switch (jwk.getKeyType().getValue()) {
            case "EC" -> jwk.toECKey().toPublicKey().getEncoded();
            case "RSA" -> jwk.toRSAKey().toPublicKey().getEncoded();
            default -> jwk.toOctetKeyPair().getDecodedX();
        };
    }
}
