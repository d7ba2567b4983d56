package dev.aegis.core.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.SigningAlgorithm;
import java.text.ParseException;

/**
 * Nimbus JOSE+JWT behind the {@code api.keys} types: key generation, strict JWK parsing and the one-time
 * construction of {@link JWSSigner}/{@link JWSVerifier} objects (precomputed per key, never per token).
 * Stateless and thread-safe.
 */
public final class JoseKeys {

    /** Upper bound on a JWK's JSON, checked before parsing. */
    public static final int MAX_JWK_CHARS = 16 * 1024;
    private static final int MIN_RSA_BITS = 2048;

    private JoseKeys() {
    }

    /**
     * @param algorithm the algorithm the key is bound to (its JWK {@code alg})
     * @param kid       the key id
     * @return a fresh private JWK with {@code kid}, {@code alg} and {@code use=sig}
     */
    public static JWK generate(SigningAlgorithm algorithm, KeyId kid) {
        try {
            return switch (algorithm) {
                case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid.value()).algorithm(JWSAlgorithm.ES256)
                        .keyUse(KeyUse.SIGNATURE).generate();
                case EDDSA -> new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid.value())
                        .algorithm(JWSAlgorithm.EdDSA).keyUse(KeyUse.SIGNATURE).generate();
                case RS256 -> new RSAKeyGenerator(MIN_RSA_BITS).keyID(kid.value()).algorithm(JWSAlgorithm.RS256)
                        .keyUse(KeyUse.SIGNATURE).generate();
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("key generation failed for " + algorithm.joseName(), e);
        }
    }

    /**
     * Parses and checks a JWK: {@code kid} and {@code alg} present and supported, {@code use} absent or
     * {@code sig}, key type and curve/size matching {@code alg}, private part present iff {@code expectPrivate}.
     *
     * @param json          the JWK (RFC 7517 §4)
     * @param expectPrivate whether the JWK must hold private material
     * @return the parsed JWK
     * @throws IllegalArgumentException naming the rule that failed (never echoing key material)
     */
    public static JWK parse(String json, boolean expectPrivate) {
        if (json == null || json.length() > MAX_JWK_CHARS) {
            throw new IllegalArgumentException("JWK missing or larger than " + MAX_JWK_CHARS + " characters");
        }
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("JWK is not valid JSON Web Key syntax (RFC 7517 §4)");
        }
        if (jwk.getKeyID() == null || !KeyId.isValid(jwk.getKeyID())) {
            throw new IllegalArgumentException("JWK must have a kid of 1..64 characters of [A-Za-z0-9._-]");
        }
        SigningAlgorithm algorithm = algorithmOf(jwk);
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw new IllegalArgumentException("JWK use must be sig (RFC 7517 §4.2)");
        }
        if (jwk.isPrivate() != expectPrivate) {
            throw new IllegalArgumentException(expectPrivate ? "JWK has no private key material"
                    : "JWK holds private key material; only public keys are accepted here");
        }
        checkKeyType(jwk, algorithm);
        return jwk;
    }

    /**
     * @param jwk a parsed JWK
     * @return the algorithm named by its {@code alg}
     * @throws IllegalArgumentException if {@code alg} is missing or unsupported
     */
    public static SigningAlgorithm algorithmOf(JWK jwk) {
        if (jwk.getAlgorithm() == null) {
            throw new IllegalArgumentException("JWK must name its alg (RFC 7517 §4.4): the per-key algorithm allowlist");
        }
        SigningAlgorithm a = SigningAlgorithm.findOrNull(jwk.getAlgorithm().getName());
        if (a == null) {
            throw new IllegalArgumentException("JWK alg is not one of ES256, EdDSA, RS256");
        }
        return a;
    }

    private static void checkKeyType(JWK jwk, SigningAlgorithm algorithm) {
        boolean ok = switch (algorithm) {
            case ES256 -> jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
            case EDDSA -> jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
            case RS256 -> jwk instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS;
        };
        if (!ok) {
            throw new IllegalArgumentException("JWK key type does not match alg " + algorithm.joseName()
                    + " (ES256: EC P-256, EdDSA: OKP Ed25519, RS256: RSA >= 2048 bits)");
        }
    }

    /**
     * @param publicJwk a public JWK checked by {@link #parse}
     * @return its verifier, built once
     */
    public static JWSVerifier verifier(JWK publicJwk) {
        try {
            SigningAlgorithm algorithm = algorithmOf(publicJwk);
            return switch (algorithm) {
                case ES256 -> new ECDSAVerifier(publicJwk.toECKey());
                case EDDSA -> new Ed25519Verifier(publicJwk.toOctetKeyPair());
                case RS256 -> new RSASSAVerifier(publicJwk.toRSAKey());
            };
        } catch (JOSEException e) {
            throw new IllegalArgumentException("JWK cannot be used for verification: " + e.getMessage());
        }
    }

    /**
     * @param privateJwk a private JWK checked by {@link #parse} or from {@link #generate}
     * @return its signer, built once
     */
    public static JWSSigner signer(JWK privateJwk) {
        try {
            SigningAlgorithm algorithm = algorithmOf(privateJwk);
            return switch (algorithm) {
                case ES256 -> new ECDSASigner(privateJwk.toECKey());
                case EDDSA -> new Ed25519Signer(privateJwk.toOctetKeyPair());
                case RS256 -> new RSASSASigner(privateJwk.toRSAKey());
            };
        } catch (JOSEException e) {
            throw new IllegalArgumentException("JWK cannot be used for signing");
        }
    }

    /**
     * @param a a JWK
     * @param b another JWK
     * @return whether both hold the same public key (RFC 7638 thumbprints equal)
     */
    public static boolean samePublicKey(JWK a, JWK b) {
        try {
            return a.computeThumbprint().equals(b.computeThumbprint());
        } catch (JOSEException e) {
            return false;
        }
    }
}
