package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShamirUnsealTest {

    @Test
    void anyThresholdSubsetReconstructsTheRootKeyInHexOrBase64() {
        ShamirUnseal.Split split = ShamirUnseal.split(5, 3);
        assertEquals(5, split.shares().size());
        int[][] subsets = {{0, 1, 2}, {4, 2, 0}, {1, 3, 4}};
        for (int[] subset : subsets) {
            ShamirUnseal progress = new ShamirUnseal();
            assertInstanceOf(ShamirUnseal.Pending.class, progress.submit(ShamirUnseal.hex(split.shares().get(subset[0])), 5, 3));
            assertInstanceOf(ShamirUnseal.Pending.class, progress.submit(ShamirUnseal.base64(split.shares().get(subset[1])), 5, 3));
            ShamirUnseal.Complete done = assertInstanceOf(ShamirUnseal.Complete.class,
                    progress.submit(ShamirUnseal.hex(split.shares().get(subset[2])), 5, 3));
            assertTrue(done.rootKey().equalsConstantTime(split.rootKey()));
            assertEquals(0, progress.progress(), "progress resets after the threshold");
        }
    }

    @Test
    void fewerThanThresholdSharesNeverComplete() {
        ShamirUnseal.Split split = ShamirUnseal.split(5, 3);
        ShamirUnseal progress = new ShamirUnseal();
        progress.submit(ShamirUnseal.hex(split.shares().get(0)), 5, 3);
        ShamirUnseal.Progress again = progress.submit(ShamirUnseal.hex(split.shares().get(0)), 5, 3);
        assertEquals(1, ((ShamirUnseal.Pending) again).progress(), "the same share twice counts once");
        assertFalse(progress.nonce().isEmpty());
    }

    @Test
    void invalidParametersAndSharesAreA400() {
        assertEquals(400, assertThrows(VaultError.class, () -> ShamirUnseal.split(3, 4)).status());
        assertEquals(400, assertThrows(VaultError.class, () -> ShamirUnseal.split(5, 1)).status());
        assertEquals(400, assertThrows(VaultError.class, () -> ShamirUnseal.split(256, 3)).status());
        ShamirUnseal progress = new ShamirUnseal();
        assertEquals(400, assertThrows(VaultError.class, () -> progress.submit("zz", 5, 3)).status());
        assertEquals(400, assertThrows(VaultError.class, () -> progress.submit("AAAA", 5, 3)).status());
    }
}
