package dev.aegis.core.api.keys;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.internal.JoseAccess;
import dev.aegis.core.internal.JoseKeys;

/**
 * A public signing key as published in a JWK Set (RFC 7517 §4, §5): key id, public key and the one algorithm it
 * may verify. The algorithm is bound to the key, so a token can never choose how it is verified
 * (RFC 8725 §3.1: "each key MUST be used with exactly one algorithm").
 *
 * <p>The signature verifier is built once, when the key is created, and reused for every token: no JWK parsing on
 * the verification path.
 *
 * <p>Immutable and thread-safe. No method accepts or returns {@code null}.
 */
public final class VerificationKey {

    static {
        JoseAccess.register(KeyInternalsImpl.INSTANCE);
    }

    private final KeyId keyId;
    private final SigningAlgorithm algorithm;
    private final String jwkJson;
    private final JWK jwk;
    private final JWSVerifier verifier;

    private VerificationKey(JWK publicJwk) {
        this.jwk = publicJwk;
        this.keyId = KeyId.of(publicJwk.getKeyID());
        this.algorithm = JoseKeys.algorithmOf(publicJwk);
        this.jwkJson = publicJwk.toJSONString();
        this.verifier = JoseKeys.verifier(publicJwk);
    }

    /**
     * Parses a public JWK, e.g. one entry of a remote JWKS.
     *
     * @param json a JWK object (RFC 7517 §4) with {@code kid} and {@code alg} (ES256, EdDSA or RS256)
     * @return the key
     * @throws IllegalArgumentException if the JWK is malformed, lacks {@code kid} or {@code alg}, holds private or
     *                                  symmetric material, has {@code use} other than {@code sig}, or its key type
     *                                  does not match {@code alg}
     */
    public static VerificationKey fromJwk(String json) {
        return new VerificationKey(JoseKeys.parse(json, false));
    }

    /** @param publicJwk an already checked public JWK */
    static VerificationKey of(JWK publicJwk) {
        return new VerificationKey(publicJwk);
    }

    /** @return the key id ({@code kid}) */
    public KeyId keyId() {
        return keyId;
    }

    /** @return the only algorithm this key verifies */
    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /** @return the public JWK as JSON ({@code kty}, {@code kid}, {@code alg}, {@code use}, key parameters) */
    public String jwkJson() {
        return jwkJson;
    }

    JWK jwk() {
        return jwk;
    }

    JWSVerifier verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "VerificationKey[kid=" + keyId.value() + ", alg=" + algorithm.joseName() + "]";
    }
}
