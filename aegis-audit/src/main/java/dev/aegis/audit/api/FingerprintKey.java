package dev.aegis.audit.internal;

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
import java.util.Comparator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC key behind {@code AuditLog.fingerprint}: a platform secret that is random, the same on every node,
 * encrypted at rest under the master keys, and stable across master-key rotation (so a fingerprint recorded
 * today still matches the same secret next year).
 *
 * <p>Why not derive it from the master key: the core API never reveals master key bytes (only AEAD
 * operations), and a fingerprint key derived from the master key would change whenever the master key
 * rotates, breaking correlation. Instead the secret lives in a dedicated key ring, {@value #RING}, held by the
 * {@link KeyMaterialStore} (private JWK sealed as an Envelope under the master keys, AAD = ring + kid, re-wrapped
 * on master-key rotation, created once under a row lock so racing nodes agree). Its oldest key's private
 * scalar {@code d} (≥ 256 bits of entropy) is the input keying material of HKDF-SHA-256 (RFC 5869 §2):
 * {@code PRK = HMAC(salt = "aegis-audit-fingerprint", d)}, {@code key = HMAC(PRK, "v1" || 0x01)}. The key is
 * never used to sign. The ring must never be rotated; a store API for named platform secrets would replace
 * this ring (requested from aegis-store).
 */
public final class FingerprintKey {

    /** Ring name in {@link KeyMaterialStore}; never rotate it. */
    public static final String RING = "audit-fingerprint";
    private static final byte[] SALT = "aegis-audit-fingerprint".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "v1".getBytes(StandardCharsets.US_ASCII);

    private FingerprintKey() {
    }

    /** @return the 256-bit fingerprint key, creating its seed on first use */
    public static SecretBytes load(KeyMaterialStore keys, Clock clock) {
        KeyRing ring = keys.loadRing(RING);
        if (ring.signingKey().isEmpty()) {
            KeyRotation rotation = new KeyRotation(RotationPolicy.defaults());
            ring = keys.updateRing(RING, r -> r.signingKey().isPresent() ? r : rotation.advance(r, clock.instant()));
        }
        SigningKey seed = ring.keys().stream()
                .filter(SigningKey::hasPrivateKey)
                .min(Comparator.comparing(SigningKey::createdAt))
                .orElseThrow(() -> new IllegalStateException("ring " + RING + " has no private key"));
        byte[] d = privateScalar(seed.exportPrivateJwk());
        try {
            byte[] prk = hmac(SALT, d);
            byte[] info = Arrays.copyOf(INFO, INFO.length + 1);
            info[INFO.length] = 0x01;
            byte[] okm = hmac(prk, info);
            Arrays.fill(prk, (byte) 0);
            return SecretBytes.copyOf(okm);
        } finally {
            Arrays.fill(d, (byte) 0);
        }
    }

    private static byte[] privateScalar(SecretBytes privateJwk) {
        byte[] json = privateJwk.revealCopy();
        try {
            JsonNode d = new ObjectMapper().readTree(json).get("d");
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
