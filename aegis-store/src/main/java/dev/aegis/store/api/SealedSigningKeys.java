package dev.aegis.store.api;

import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.Envelope;
import dev.aegis.core.api.crypto.EnvelopeCipher;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.core.api.keys.KeyState;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Converts between {@link SigningKey}s and {@code signing_keys} rows: the private JWK goes into the row only as
 * an {@link Envelope} whose associated data binds the ring name and the key id, so a sealed key copied to another
 * row or ring fails to open instead of becoming that key.
 */
final class SealedSigningKeys {

    private SealedSigningKeys() {
    }

    /** Associated data of a private JWK envelope; '/' cannot occur in ring names or key ids, so it is unambiguous. */
    static byte[] associatedData(String ring, KeyId kid) {
        return ("aegis/signing-key/v1/" + ring + "/" + kid.value()).getBytes(StandardCharsets.US_ASCII);
    }

    /** @return the row of a key the database has not seen yet (its private JWK sealed, if it still has one) */
    static SigningKeyRows.Row newRow(String ring, SigningKey key, int order, EnvelopeCipher cipher) {
        return row(key, order, key.hasPrivateKey() ? seal(ring, key, cipher) : null);
    }

    /**
     * @return the row after a change of {@code key}: the existing envelope is kept while the key has private
     *         material (no needless re-encryption) and dropped once it has none (DESTROYED)
     */
    static SigningKeyRows.Row changedRow(String ring, SigningKey key, int order, SigningKeyRows.Row stored,
                                          EnvelopeCipher cipher) {
        byte[] envelope = null;
        if (key.hasPrivateKey()) {
            envelope = stored.envelope() != null ? stored.envelope() : seal(ring, key, cipher);
        }
        return row(key, order, envelope);
    }

    /** @return whether {@code next} differs from {@code stored} in anything the database holds */
    static boolean differs(SigningKeyRows.Row stored, SigningKeyRows.Row next) {
        return stored.ringOrder() != next.ringOrder() || !stored.state().equals(next.state())
                || !Objects.equals(stored.activatedAt(), next.activatedAt())
                || !Objects.equals(stored.retiredAt(), next.retiredAt())
                || !Objects.equals(stored.destroyedAt(), next.destroyedAt())
                || (stored.envelope() == null) != (next.envelope() == null);
    }

    private static SigningKeyRows.Row row(SigningKey key, int order, byte[] envelope) {
        return new SigningKeyRows.Row(key.keyId().value(), order, key.algorithm().joseName(), key.state().name(),
                SqlInstants.stored(key.createdAt()), SqlInstants.stored(key.activatedAt().orElse(null)),
                SqlInstants.stored(key.retiredAt().orElse(null)), SqlInstants.stored(key.destroyedAt().orElse(null)),
                key.publicJwkJson(), envelope);
    }

    private static byte[] seal(String ring, SigningKey key, EnvelopeCipher cipher) {
        byte[] jwk = key.exportPrivateJwk().revealCopy();
        try {
            return cipher.seal(jwk, associatedData(ring, key.keyId())).encode();
        } finally {
            Arrays.fill(jwk, (byte) 0);
        }
    }

    /**
     * @return the key of a stored row, its private JWK opened
     * @throws StoreException if the envelope does not open (wrong root key, tampered or moved row) or the row is
     *                        inconsistent
     */
    static SigningKey open(String ring, SigningKeyRows.Row r, EnvelopeCipher cipher) {
        KeyId kid = KeyId.of(r.kid());
        Optional<SecretBytes> privateJwk = Optional.empty();
        if (r.envelope() != null) {
            byte[] jwk = null;
            try {
                jwk = cipher.open(Envelope.decode(r.envelope()), associatedData(ring, kid));
                privateJwk = Optional.of(SecretBytes.copyOf(jwk));
            } catch (DecryptionFailedException e) {
                throw new StoreException("cannot decrypt the private key " + kid.value() + " of key ring " + ring
                        + ": " + e.getMessage() + " (wrong root key, or the row was tampered with)", e);
            } finally {
                if (jwk != null) {
                    Arrays.fill(jwk, (byte) 0);
                }
            }
        }
        try {
            return SigningKey.restore(kid, SigningAlgorithm.fromJoseName(r.algorithm()), KeyState.valueOf(r.state()),
                    r.createdAt(), r.activatedAt(), r.retiredAt(), r.destroyedAt(), r.publicJwk(), privateJwk);
        } catch (IllegalArgumentException e) {
            throw new StoreException("stored signing key " + kid.value() + " of key ring " + ring
                    + " is inconsistent: " + e.getMessage(), e);
        }
    }
}
