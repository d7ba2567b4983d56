package dev.aegis.core.api.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Aes256GcmTest {

    private final SecretBytes keyBytes = SecretBytes.random(32);
    private final Aes256Gcm aead = Aes256Gcm.of(KeyId.of("k1"), keyBytes);
    private final byte[] aad = "row-42".getBytes(StandardCharsets.UTF_8);

    @Test
    void encryptThenDecryptReturnsThePlaintext() throws Exception {
        byte[] pt = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] ct = aead.encrypt(pt, aad);
        assertArrayEquals(pt, aead.decrypt(ct, aad));
        assertEquals(KeyId.of("k1"), Aes256Gcm.keyIdOf(ct));
        assertEquals(2 + 2 + 12 + pt.length + 16, ct.length);
    }

    @Test
    void sameInputsGiveDifferentCiphertextsBecauseNoncesAreRandom() {
        byte[] pt = new byte[10];
        assertFalse(Arrays.equals(aead.encrypt(pt, aad), aead.encrypt(pt, aad)));
    }

    @Test
    void everyFlippedBitIsDetected() {
        byte[] ct = aead.encrypt("payload".getBytes(StandardCharsets.UTF_8), aad);
        for (int i = 0; i < ct.length; i++) {
            byte[] t = ct.clone();
            t[i] ^= 0x01;
            assertThrows(DecryptionFailedException.class, () -> aead.decrypt(t, aad), "byte " + i);
        }
    }

    @Test
    void wrongAssociatedDataOrKeyIsDetected() {
        byte[] ct = aead.encrypt(new byte[3], aad);
        assertThrows(DecryptionFailedException.class, () -> aead.decrypt(ct, new byte[0]));
        Aes256Gcm sameIdOtherKey = Aes256Gcm.of(KeyId.of("k1"), SecretBytes.random(32));
        assertThrows(DecryptionFailedException.class, () -> sameIdOtherKey.decrypt(ct, aad));
        Aes256Gcm otherId = Aes256Gcm.of(KeyId.of("k2"), keyBytes);
        assertThrows(DecryptionFailedException.class, () -> otherId.decrypt(ct, aad));
    }

    @Test
    void truncatedCiphertextsAreRejected() {
        byte[] ct = aead.encrypt(new byte[0], null);
        for (int len = 0; len < ct.length; len++) {
            byte[] t = Arrays.copyOf(ct, len);
            assertThrows(DecryptionFailedException.class, () -> aead.decrypt(t, null), "length " + len);
        }
    }

    @Test
    void keysOtherThan256BitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Aes256Gcm.of(KeyId.of("k"), SecretBytes.random(16)));
    }

    @Test
    void toStringNamesTheKeyIdOnly() {
        assertTrue(aead.toString().contains("k1"));
        assertFalse(aead.toString().contains("Spec"));
    }
}
