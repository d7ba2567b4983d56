package dev.aegis.core.api.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SecretBytes, ConstantTime, SecureIds, KeyId, HmacFingerprint. */
class SecretValuesTest {

    @Test
    void secretBytesNeverPrintsItsValue() {
        SecretBytes s = SecretBytes.copyOf(new byte[] {65, 66, 67});
        assertEquals("SecretBytes[redacted, 3 bytes]", s.toString());
    }

    @Test
    void secretBytesIsACopyOnBothSides() {
        byte[] raw = {1, 2, 3};
        SecretBytes s = SecretBytes.copyOf(raw);
        raw[0] = 9;
        s.revealCopy()[1] = 9;
        assertTrue(s.equalsConstantTime(SecretBytes.copyOf(new byte[] {1, 2, 3})));
        assertFalse(s.equalsConstantTime(SecretBytes.copyOf(new byte[] {1, 2, 4})));
        assertFalse(s.equalsConstantTime(null));
        assertNotEquals(s, SecretBytes.copyOf(new byte[] {1, 2, 3}), "no value equality");
    }

    @Test
    void constantTimeEqualsTreatsNullAsNeverMatching() {
        assertTrue(ConstantTime.equals("abc", "abc"));
        assertFalse(ConstantTime.equals("abc", "abd"));
        assertFalse(ConstantTime.equals((String) null, null));
        assertTrue(ConstantTime.equals(new byte[] {1}, new byte[] {1}));
        assertFalse(ConstantTime.equals(new byte[] {1}, new byte[] {1, 0}));
        assertFalse(ConstantTime.equals((byte[]) null, new byte[0]));
    }

    @Test
    void secureIdsAreUrlSafeUniqueAndOfTheRightLength() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = SecureIds.newId();
            assertEquals(22, id.length());
            assertTrue(KeyId.isValid(id), id);
            assertTrue(seen.add(id));
        }
        assertEquals(43, SecureIds.token(32).length());
        assertThrows(IllegalArgumentException.class, () -> SecureIds.token(0));
    }

    @Test
    void keyIdAcceptsOnlyItsAlphabetAndLength() {
        for (String ok : new String[] {"a", "A-b_c.9", "x".repeat(64)}) {
            assertEquals(ok, KeyId.of(ok).value());
        }
        for (char c = 0; c < 256; c++) {
            boolean allowed = Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-';
            assertEquals(allowed, KeyId.isValid("k" + c), "char " + (int) c);
        }
        for (String bad : new String[] {"", "x".repeat(65), "a b", "a/b", "ä", "a\n"}) {
            assertThrows(IllegalArgumentException.class, () -> KeyId.of(bad), bad);
        }
        assertThrows(NullPointerException.class, () -> KeyId.of(null));
        assertTrue(KeyId.isValid(KeyId.random().value()));
    }

    @Test
    void hmacFingerprintIsKeyedAndStable() {
        SecretBytes pepper = SecretBytes.random(32);
        HmacFingerprint f = new HmacFingerprint(pepper);
        String a = f.of("api-key-123");
        assertTrue(a.startsWith("hmac-sha256:"));
        assertEquals(12 + 43, a.length());
        assertEquals(a, f.of("api-key-123".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertNotEquals(a, f.of("api-key-124"));
        assertNotEquals(a, new HmacFingerprint(SecretBytes.random(32)).of("api-key-123"));
        assertThrows(IllegalArgumentException.class, () -> new HmacFingerprint(SecretBytes.random(16)));
    }

    @Test
    void hmacFingerprintIsHmacSha256Base64Url() {
        SecretBytes pepper = SecretBytes.copyOf(new byte[32]);
        String expected = "hmac-sha256:" + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac(new byte[32], "what do ya want for nothing?".getBytes()));
        assertEquals(expected, new HmacFingerprint(pepper).of("what do ya want for nothing?"));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void masterKeyRingRefusesInconsistentInput() {
        Aes256Gcm k1 = Aes256Gcm.of(KeyId.of("m1"), SecretBytes.random(32));
        Aes256Gcm k1b = Aes256Gcm.of(KeyId.of("m1"), SecretBytes.random(32));
        Aes256Gcm k2 = Aes256Gcm.of(KeyId.of("m2"), SecretBytes.random(32));
        assertThrows(IllegalArgumentException.class, () -> MasterKeyRing.of(java.util.List.of(), KeyId.of("m1")));
        assertThrows(IllegalArgumentException.class, () -> MasterKeyRing.of(java.util.List.of(k1, k1b), KeyId.of("m1")));
        assertThrows(IllegalArgumentException.class, () -> MasterKeyRing.of(java.util.List.of(k1), KeyId.of("m2")));
        MasterKeyRing ring = MasterKeyRing.of(java.util.List.of(k1), k1.keyId()).withPrimary(k2);
        assertEquals(java.util.List.of(KeyId.of("m1"), KeyId.of("m2")), ring.keyIds());
        assertEquals(k2, ring.primary());
        assertEquals(k1, ring.find(KeyId.of("m1")).orElseThrow());
        assertTrue(ring.find(KeyId.of("m3")).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ring.withPrimary(k1b));
        assertEquals(k1, ring.withPrimary(k1).primary());
    }

    @Test
    void cryptoProvidersInstallIsIdempotentAndDescribed() {
        String first = CryptoProviders.installPreferred();
        assertEquals(first, CryptoProviders.installPreferred());
        assertEquals(first, CryptoProviders.active());
        if (CryptoProviders.accelerated()) {
            assertEquals("AmazonCorrettoCryptoProvider", java.security.Security.getProviders()[0].getName());
            assertTrue(first.startsWith("AmazonCorrettoCryptoProvider"));
        } else {
            assertTrue(first.startsWith("JDK providers"));
        }
    }
}
