package dev.aegis.core.api.keys;

import dev.aegis.core.api.crypto.KeyId;
import java.util.Optional;

/**
 * Where a verifier looks up the public key named by a token's {@code kid} (RFC 7515 §4.1.4). Keys come only from
 * this trusted source, never from the token itself ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c} are
 * rejected: RFC 8725 §3.10).
 *
 * <p>Implementations must be thread-safe and fast (called for every token verified): typically an immutable
 * {@link KeyRing} or a cached JWKS snapshot swapped atomically.
 */
@FunctionalInterface
public interface VerificationKeySource {

    /**
     * @param kid the key id from the token header, never {@code null}
     * @return the key, or empty if unknown (the token is then rejected); never {@code null}
     */
    Optional<VerificationKey> find(KeyId kid);
}
