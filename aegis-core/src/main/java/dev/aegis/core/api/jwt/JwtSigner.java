package dev.aegis.core.api.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.SignedJWT;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.core.internal.JoseAccess;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Signs JWTs (RFC 7519 §7.1, JWS compact serialization RFC 7515 §7.1) with the ACTIVE key of the current
 * {@link KeyRing}. The header carries exactly {@code alg} (the key's own algorithm), {@code kid} and {@code typ}
 * (explicit typing, RFC 8725 §3.11): nothing a verifier would have to ignore.
 *
 * <p>Thread-safe: the ring is read from the supplier on every call, so a rotation takes effect at once. Arguments
 * must not be {@code null}.
 */
public final class JwtSigner {

    private final Supplier<KeyRing> ring;

    /** @param ring supplies the current key ring (e.g. {@code AtomicReference::get}) */
    public JwtSigner(Supplier<KeyRing> ring) {
        this.ring = Objects.requireNonNull(ring, "ring");
    }

    /**
     * @param claims the claims; {@code exp} is required (every Aegis token expires)
     * @param type   the {@code typ} header, e.g. {@code "at+jwt"} (RFC 9068 §2.1)
     * @return the compact JWS
     * @throws IllegalStateException    if the ring has no ACTIVE key or signing fails
     * @throws IllegalArgumentException if {@code exp} is missing or {@code type} is blank
     */
    public String sign(JwtClaims claims, String type) {
        Objects.requireNonNull(claims, "claims");
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("typ must not be blank");
        }
        if (claims.expiresAt().isEmpty()) {
            throw new IllegalArgumentException("exp is required (RFC 7519 §4.1.4): Aegis issues no eternal tokens");
        }
        Optional<SigningKey> active = ring.get().signingKey();
        if (active.isEmpty()) {
            throw new IllegalStateException("no ACTIVE signing key in the key ring");
        }
        SigningKey key = active.get();
        JWSSigner signer = JoseAccess.signer(key);
        if (signer == null) {
            throw new IllegalStateException("ACTIVE key " + key.keyId().value() + " has no private material");
        }
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.parse(key.algorithm().joseName()))
                .keyID(key.keyId().value())
                .type(new JOSEObjectType(type))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.claimsSet());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.keyId().value() + " failed", e);
        }
        return jwt.serialize();
    }
}
