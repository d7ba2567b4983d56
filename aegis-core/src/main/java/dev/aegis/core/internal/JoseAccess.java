package dev.aegis.core.internal;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.core.api.keys.VerificationKey;
import java.util.Objects;

/**
 * Lets {@code api.jwt} reach the Nimbus objects precomputed inside {@code api.keys} types without putting any
 * Nimbus type into the public API (the JDK's {@code SharedSecrets} pattern). The key classes register an accessor
 * in their static initialisers; a caller holding an instance therefore always finds it registered.
 * Thread-safe; not exported from the module.
 */
public final class JoseAccess {

    /** Implemented by {@code api.keys}. */
    public interface KeyInternals {
        /**
         * @param key a verification key
         * @return its precomputed verifier
         */
        JWSVerifier verifier(VerificationKey key);

        /**
         * @param key a signing key in state ACTIVE
         * @return its precomputed signer, or {@code null} if the key has no private material
         */
        JWSSigner signer(SigningKey key);
    }

    private static volatile KeyInternals internals;

    private JoseAccess() {
    }

    /** @param access the accessor; only the first registration counts */
    public static void register(KeyInternals access) {
        if (internals == null) {
            internals = Objects.requireNonNull(access);
        }
    }

    /**
     * @param key a verification key
     * @return its precomputed verifier
     */
    public static JWSVerifier verifier(VerificationKey key) {
        return internals.verifier(key);
    }

    /**
     * @param key a signing key
     * @return its precomputed signer, or {@code null} without private material
     */
    public static JWSSigner signer(SigningKey key) {
        return internals.signer(key);
    }
}
