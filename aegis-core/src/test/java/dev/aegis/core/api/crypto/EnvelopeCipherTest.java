package dev.aegis.core.api.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeCipherTest {

    private static final byte[] PLAINTEXT = "database password: hunter2".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "secrets/kv/db-password#3".getBytes(StandardCharsets.UTF_8);

    private final Aes256Gcm master1 = Aes256Gcm.of(KeyId.of("master-1"), SecretBytes.random(32));
    private final Aes256Gcm master2 = Aes256Gcm.of(KeyId.of("master-2"), SecretBytes.random(32));
    private final EnvelopeCipher cipher = new EnvelopeCipher(MasterKeyRing.of(List.of(master1), master1.keyId()));

    @Test
    void sealedDataOpensWithTheSameAssociatedData() throws Exception {
        Envelope e = cipher.seal(PLAINTEXT, AAD);
        assertEquals(master1.keyId(), e.masterKeyId());
        assertArrayEquals(PLAINTEXT, cipher.open(e, AAD));
    }

    @Test
    void encodedEnvelopeDecodesToAnEqualEnvelope() throws Exception {
        Envelope e = cipher.seal(PLAINTEXT, AAD);
        Envelope decoded = Envelope.decode(e.encode());
        assertEquals(e, decoded);
        assertArrayEquals(PLAINTEXT, cipher.open(decoded, AAD));
    }

    @Test
    void emptyPlaintextAndNullAssociatedDataRoundTrip() throws Exception {
        Envelope e = cipher.seal(new byte[0], null);
        assertArrayEquals(new byte[0], cipher.open(e, null));
        assertArrayEquals(new byte[0], cipher.open(e, new byte[0]));
    }

    @Test
    void tamperedWrappedKeyFailsToOpen() {
        Envelope e = cipher.seal(PLAINTEXT, AAD);
        byte[] wrapped = e.wrappedDataKey();
        wrapped[wrapped.length - 1] ^= 1;
        Envelope tampered = new Envelope(e.masterKeyId(), wrapped, e.ciphertext());
        assertThrows(DecryptionFailedException.class, () -> cipher.open(tampered, AAD));
    }

    @Test
    void tamperedCiphertextFailsToOpen() {
        Envelope e = cipher.seal(PLAINTEXT, AAD);
        for (int i : new int[] {0, 5, 20, e.ciphertext().length - 1}) {
            byte[] ct = e.ciphertext();
            ct[i] ^= 1;
            Envelope tampered = new Envelope(e.masterKeyId(), e.wrappedDataKey(), ct);
            assertThrows(DecryptionFailedException.class, () -> cipher.open(tampered, AAD), "byte " + i);
        }
    }

    @Test
    void otherAssociatedDataFailsToOpen() {
        Envelope e = cipher.seal(PLAINTEXT, AAD);
        assertThrows(DecryptionFailedException.class,
                () -> cipher.open(e, "secrets/kv/other#3".getBytes(StandardCharsets.UTF_8)));
        assertThrows(DecryptionFailedException.class, () -> cipher.open(e, null));
    }

    @Test
    void changedMasterKeyIdFailsToOpen() {
        EnvelopeCipher both = new EnvelopeCipher(MasterKeyRing.of(List.of(master1, master2), master1.keyId()));
        Envelope e = both.seal(PLAINTEXT, AAD);
        Envelope otherKnownId = new Envelope(master2.keyId(), e.wrappedDataKey(), e.ciphertext());
        Envelope unknownId = new Envelope(KeyId.of("master-9"), e.wrappedDataKey(), e.ciphertext());
        assertThrows(DecryptionFailedException.class, () -> both.open(otherKnownId, AAD));
        assertThrows(DecryptionFailedException.class, () -> both.open(unknownId, AAD));
    }

    @Test
    void wrappedKeyMovedToAnotherEnvelopeFailsToOpen() {
        Envelope a = cipher.seal(PLAINTEXT, AAD);
        Envelope b = cipher.seal(PLAINTEXT, AAD);
        Envelope swapped = new Envelope(a.masterKeyId(), a.wrappedDataKey(), b.ciphertext());
        assertThrows(DecryptionFailedException.class, () -> cipher.open(swapped, AAD));
    }

    @Test
    void envelopeOfAnUnknownMasterKeyFailsToOpen() {
        Envelope e = cipher.seal(PLAINTEXT, AAD);
        EnvelopeCipher other = new EnvelopeCipher(MasterKeyRing.of(List.of(master2), master2.keyId()));
        assertThrows(DecryptionFailedException.class, () -> other.open(e, AAD));
    }

    @Test
    void rewrapAfterMasterRotationStillDecryptsAndKeepsTheCiphertext() throws Exception {
        Envelope old = cipher.seal(PLAINTEXT, AAD);
        MasterKeyRing rotated = MasterKeyRing.of(List.of(master1), master1.keyId()).withPrimary(master2);
        EnvelopeCipher afterRotation = new EnvelopeCipher(rotated);
        assertArrayEquals(PLAINTEXT, afterRotation.open(old, AAD), "old envelopes open after rotation");

        Envelope rewrapped = afterRotation.rewrap(old);
        assertEquals(master2.keyId(), rewrapped.masterKeyId());
        assertArrayEquals(old.ciphertext(), rewrapped.ciphertext(), "data ciphertext untouched");
        EnvelopeCipher onlyNewMaster = new EnvelopeCipher(MasterKeyRing.of(List.of(master2), master2.keyId()));
        assertArrayEquals(PLAINTEXT, onlyNewMaster.open(rewrapped, AAD), "old master no longer needed");
        assertSame(rewrapped, afterRotation.rewrap(rewrapped), "already under the primary");
    }

    @Test
    void eachSealUsesAFreshDataKey() throws Exception {
        Envelope a = cipher.seal(PLAINTEXT, AAD);
        Envelope b = cipher.seal(PLAINTEXT, AAD);
        byte[] keyA = master1.decrypt(a.wrappedDataKey(), EnvelopeCipher.wrapContext(a.ciphertext()));
        byte[] keyB = master1.decrypt(b.wrappedDataKey(), EnvelopeCipher.wrapContext(b.ciphertext()));
        assertEquals(32, keyA.length);
        assertFalse(Arrays.equals(keyA, keyB));
        assertNotEquals(a, b);
    }

    @Test
    void malformedEncodingsAreRejectedOnDecode() {
        byte[] good = cipher.seal(PLAINTEXT, AAD).encode();
        byte[][] bad = {
            new byte[0], {1}, {2, 1, 'a', 0, 1, 0}, {1, 0, 0, 1, 0}, {1, 70},
            Arrays.copyOf(good, 12), {1, 1, '!', 0, 1, 0},
        };
        for (byte[] b : bad) {
            assertThrows(DecryptionFailedException.class, () -> Envelope.decode(b), Arrays.toString(b));
        }
    }

    @Test
    void envelopeComponentsAreDefensivelyCopied() {
        byte[] wrapped = master1.encrypt(new byte[32], null);
        byte[] ct = {1, 2, 3};
        Envelope e = new Envelope(master1.keyId(), wrapped, ct);
        ct[0] = 9;
        e.ciphertext()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, e.ciphertext());
    }
}
