package dev.aegis.identity.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.KeyRotation;
import dev.aegis.core.api.keys.RotationPolicy;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.store.api.KeyMaterialStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server-side pepper under which the identity provider fingerprints its server-generated secrets (client
 * secrets, refresh tokens, authorization and device codes, session ids) with HMAC-SHA256: the same on every
 * cluster node, encrypted at rest under the master keys (and re-wrapped when they rotate), never in the clear in
 * the database.
 *
 * <p>It lives as the private scalar of the oldest key of the dedicated ring {@value #RING} in the
 * {@link KeyMaterialStore} (the same pattern as the audit fingerprint key, with its own ring so the two secrets
 * are independent): {@code pepper = HKDF-SHA-256(salt = "aegis-identity-pepper", IKM = d, info = "v1")}
 * (RFC 5869). The ring is never rotated: a new pepper would orphan every stored fingerprint.
 */
public final class IdentityPepper {

    /** Ring name in {@link KeyMaterialStore}; never rotate it. */
    public static final String RING = "identity-pepper";
    private static final byte[] SALT = "aegis-identity-pepper".getBytes(StandardCharsets.US_ASCII);

    private IdentityPepper() {
    }

    /**
     * @param keys  key material
     * @param clock creation time of the seed on first use
     * @return the fingerprint function under the pepper
     */
    public static HmacFingerprint load(KeyMaterialStore keys, Clock clock) {
        KeyRing ring = keys.loadRing(RING);
        if (ring.signingKey().isEmpty()) {
            KeyRotation rotation = new KeyRotation(RotationPolicy.defaults());
            ring = keys.updateRing(RING, r -> r.signingKey().isPresent() ? r : rotation.advance(r, clock.instant()));
        }
        SigningKey seed = null;
        for (SigningKey k : ring.keys()) {
            if (k.hasPrivateKey() && (seed == null || k.createdAt().isBefore(seed.createdAt()))) {
                seed = k;
            }
        }
        if (seed == null) {
            throw new IllegalStateException("key ring " + RING + " has no private key");
        }
        byte[] d = privateScalar(seed.exportPrivateJwk());
        byte[] prk = hmac(SALT, d);
        byte[] okm = hmac(prk, new byte[] {'v', '1', 0x01});
        Arrays.fill(d, (byte) 0);
        Arrays.fill(prk, (byte) 0);
        SecretBytes pepper = SecretBytes.copyOf(okm);
        Arrays.fill(okm, (byte) 0);
        return new HmacFingerprint(pepper);
    }

    private static byte[] privateScalar(SecretBytes privateJwk) {
        byte[] json = privateJwk.revealCopy();
        try {
            JsonNode d = Json.MAPPER.readTree(json).get("d");
            if (d == null || !d.isTextual()) {
                throw new IllegalStateException("private JWK of ring " + RING + " has no d");
            }
            return Base64.getUrlDecoder().decode(d.textValue());
        } catch (IOException e) {
            throw new IllegalStateException("private JWK of ring " + RING + " is not JSON");
        } finally {
            Arrays.fill(json, (byte) 0);
        }
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}
