package dev.aegis.store.api;

import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.spi.RootKeyProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The integrity tag of a {@code signing_keys} row: HMAC-SHA256 (RFC 2104) over every column, under a key
 * derived from the root key as {@code HMAC-SHA256(rootKey, "aegis/signing-key-rows/v1")} (the one-block
 * HKDF-Expand of RFC 5869 §2.3 with the root key as PRK). The root key is never in the database, so whoever can
 * write rows but not read the root key cannot add a verification key, change a key's state or move a key to
 * another ring without the row being refused.
 *
 * <p>The input is length-prefixed field by field, so no two different rows encode alike. Thread-safe; the
 * derived key is computed once.
 */
final class SigningKeyRowMac {
    static final String PREFIX = "v1:";
    private static final byte[] LABEL = "aegis/signing-key-rows/v1".getBytes(StandardCharsets.US_ASCII);
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;

    SigningKeyRowMac(RootKeyProvider rootKeys) {
        byte[] root = rootKeys.rootKey().revealCopy();
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(root, HMAC));
            byte[] derived = mac.doFinal(LABEL);
            this.key = new SecretKeySpec(derived, HMAC);
            Arrays.fill(derived, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new StoreException("HMAC-SHA256 is not available: " + e.getMessage(), e);
        } finally {
            Arrays.fill(root, (byte) 0);
        }
    }

    /** @return the tag to store in {@code row_mac} */
    String tag(String ring, SigningKeyRows.Row r) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(encode(ring, r)));
        } catch (GeneralSecurityException e) {
            throw new StoreException("cannot compute a signing key row MAC: " + e.getMessage(), e);
        }
    }

    /** @return whether {@code stored} is the row's tag (constant-time); a missing tag never verifies */
    boolean verifies(String ring, SigningKeyRows.Row r, String stored) {
        if (stored == null) {
            return false;
        }
        return MessageDigest.isEqual(tag(ring, r).getBytes(StandardCharsets.US_ASCII),
                stored.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] encode(String ring, SigningKeyRows.Row r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        field(out, ring);
        field(out, r.kid());
        field(out, Integer.toString(r.ringOrder()));
        field(out, r.algorithm());
        field(out, r.state());
        field(out, r.createdAt());
        field(out, r.activatedAt());
        field(out, r.retiredAt());
        field(out, r.destroyedAt());
        field(out, r.publicJwk());
        field(out, r.envelope());
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, Instant value) {
        field(out, value == null ? null : SqlInstants.stored(value).toString());
    }

    private static void field(ByteArrayOutputStream out, String value) {
        field(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(ByteArrayOutputStream out, byte[] value) {
        int length = value == null ? -1 : value.length;
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        if (value != null) {
            out.writeBytes(value);
        }
    }
}
