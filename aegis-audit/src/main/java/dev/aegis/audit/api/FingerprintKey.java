package dev.aegis.audit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * An HMAC key for fingerprints (the one behind {@code AuditLog.fingerprint}, the identity provider's pepper): a
 * platform secret that is random, the same on every node, encrypted at rest under the master keys, and stable
 * across master-key rotation (so a fingerprint recorded today still matches the same secret next year).
 *
 * <p>Why not derive it from the master key: the core API never reveals master key bytes (only AEAD
 * operations), and a fingerprint key derived from the master key would change whenever the master key
 * rotates, breaking correlation. Instead each key lives in a dedicated key ring (the audit log's is
 * {@value #AUDIT_RING}) held by the {@link KeyMaterialStore} (private JWK sealed as an Envelope under the master
 * keys, AAD = ring + kid, re-wrapped on master-key rotation, created once under a row lock so racing nodes
 * agree); a ring of its own per key keeps the secrets independent. The oldest key's private scalar {@code d}
 * (≥ 256 bits of entropy) is the input keying material of HKDF-SHA-256 (RFC 5869 §2):
 * {@code PRK = HMAC(salt = "aegis-" + ring, d)}, {@code key = HMAC(PRK, "v1" || 0x01)}. The key is never used
 * to sign. A ring must never be rotated (a new key would orphan every stored fingerprint); a store API for
 * named platform secrets would replace these rings (requested from aegis-store).
 */
public final class FingerprintKey {

    /** Ring of the audit log's fingerprint key in {@link KeyMaterialStore}; never rotate it. */
    public static final String AUDIT_RING = "audit-fingerprint";
    private static final byte[] INFO = "v1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FingerprintKey() {
    }

    /**
     * @param keys  key material
     * @param ring  the key's own ring, never rotated
     * @param clock creation time of the seed on first use
     * @return the 256-bit fingerprint key, creating its seed on first use
     */
    public static SecretBytes load(KeyMaterialStore keys, String ring, Clock clock) {
        SigningKey seed = oldestPrivateKey(seedRing(keys, ring, clock), ring);
        byte[] d = privateScalar(seed.exportPrivateJwk(), ring);
        try {
            byte[] prk = hmac(("aegis-" + ring).getBytes(StandardCharsets.US_ASCII), d);
            byte[] info = Arrays.copyOf(INFO, INFO.length + 1);
            info[INFO.length] = 0x01;
            byte[] okm = hmac(prk, info);
            Arrays.fill(prk, (byte) 0);
            SecretBytes key = SecretBytes.copyOf(okm);
            Arrays.fill(okm, (byte) 0);
            return key;
        } finally {
            Arrays.fill(d, (byte) 0);
        }
    }

    private static KeyRing seedRing(KeyMaterialStore keys, String ring, Clock clock) {
        KeyRing loaded = keys.loadRing(ring);
        if (loaded.signingKey().isPresent()) {
            return loaded;
        }
        KeyRotation rotation = new KeyRotation(RotationPolicy.defaults());
        return keys.updateRing(ring, r -> r.signingKey().isPresent() ? r : rotation.advance(r, clock.instant()));
    }

    private static SigningKey oldestPrivateKey(KeyRing keyRing, String ring) {
        SigningKey seed = null;
        for (SigningKey k : keyRing.keys()) {
            if (k.hasPrivateKey() && (seed == null || k.createdAt().isBefore(seed.createdAt()))) {
                seed = k;
            }
        }
        if (seed == null) {
            throw new IllegalStateException("key ring " + ring + " has no private key");
        }
        return seed;
    }

    private static byte[] privateScalar(SecretBytes privateJwk, String ring) {
        byte[] json = privateJwk.revealCopy();
        try {
            JsonNode d = JSON.readTree(json).get("d");
            if (d == null || !d.isTextual()) {
                throw new IllegalStateException("private JWK of ring " + ring + " has no d");
            }
            return Base64.getUrlDecoder().decode(d.textValue());
        } catch (IOException e) {
            throw new IllegalStateException("private JWK of ring " + ring + " is not JSON");
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
