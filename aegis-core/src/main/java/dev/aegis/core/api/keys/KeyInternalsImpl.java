package dev.aegis.core.api.keys;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import dev.aegis.core.internal.JoseAccess;

/** Hands the precomputed Nimbus objects to {@code api.jwt} through {@link JoseAccess}. Stateless. */
final class KeyInternalsImpl implements JoseAccess.KeyInternals {

    static final KeyInternalsImpl INSTANCE = new KeyInternalsImpl();

    private KeyInternalsImpl() {
    }

    @Override
    public JWSVerifier verifier(VerificationKey key) {
        return key.verifier();
    }

    @Override
    public JWSSigner signer(SigningKey key) {
        return key.signer();
    }
}
