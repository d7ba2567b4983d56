package dev.aegis.store.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RootKeyFileTest {

    @TempDir
    Path tmp;

    @Test
    void firstStartCreatesAnOwnerOnlyKeyFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = tmp.resolve("keys/root.key");
        RootKeyFile created = RootKeyFile.openOrCreate(file);
        assertEquals(RootKeyFile.KEY_BYTES, created.rootKey().length());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void secondStartLoadsTheSameKey() {
        Path file = tmp.resolve("root.key");
        SecretBytes first = RootKeyFile.openOrCreate(file).rootKey();
        assertTrue(first.equalsConstantTime(RootKeyFile.openOrCreate(file).rootKey()));
    }

    @Test
    void nodesCreatingTheKeyAtOnceAllEndUpWithTheKeyOnDisk() throws Exception {
        Path file = tmp.resolve("root.key");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<SecretBytes>> keys = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                keys.add(pool.submit(() -> {
                    start.await();
                    return RootKeyFile.openOrCreate(file).rootKey();
                }));
            }
            start.countDown();
            SecretBytes onDisk = RootKeyFile.openOrCreate(file).rootKey();
            for (Future<SecretBytes> k : keys) {
                assertTrue(onDisk.equalsConstantTime(k.get()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw-rw----", "rw-----w-", "rwx---r-x"})
    void keyFileAccessibleByGroupOrOthersIsRefusedNamingTheFileAndTheFix(String permissions) throws IOException {
        Path file = tmp.resolve("root.key");
        RootKeyFile.openOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        StoreException e = assertThrows(StoreException.class, () -> RootKeyFile.openOrCreate(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
    }

    @Test
    void readOnlyOwnerFileIsAccepted() throws IOException {
        Path file = tmp.resolve("root.key");
        RootKeyFile.openOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertEquals(32, RootKeyFile.openOrCreate(file).rootKey().length());
    }

    @Test
    void truncatedKeyFileIsReportedAsCorrupt() throws IOException {
        Path file = tmp.resolve("root.key");
        RootKeyFile.openOrCreate(file);
        byte[] content = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(content, content.length / 2));
        assertCorrupt(file);
    }

    @Test
    void emptyKeyFileIsReportedAsCorrupt() throws IOException {
        Path file = tmp.resolve("root.key");
        RootKeyFile.openOrCreate(file);
        Files.write(file, new byte[0]);
        assertCorrupt(file);
    }

    @Test
    void damagedKeyFailsTheCheckValue() throws IOException {
        Path file = tmp.resolve("root.key");
        RootKeyFile.openOrCreate(file);
        String[] parts = Files.readString(file).strip().split(" ");
        byte[] key = Base64.getUrlDecoder().decode(parts[2]);
        key[0] ^= 1;
        parts[2] = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        Files.writeString(file, String.join(" ", parts) + "\n");
        StoreException e = assertCorrupt(file);
        assertTrue(e.getMessage().contains("check value"), e.getMessage());
    }

    @Test
    void shortKeyIsRefused() throws IOException {
        Path file = tmp.resolve("root.key");
        RootKeyFile.openOrCreate(file);
        Files.writeString(file, "aegis-root-key v1 " + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(new byte[16]) + " 00000000\n");
        StoreException e = assertCorrupt(file);
        assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
    }

    @Test
    void descriptionAndToStringNameTheFileButNeverTheKey() throws IOException {
        Path file = tmp.resolve("root.key");
        RootKeyFile rk = RootKeyFile.openOrCreate(file);
        String encodedKey = Files.readString(file, StandardCharsets.US_ASCII).split(" ")[2];
        assertTrue(rk.description().contains(file.toString()));
        assertFalse(rk.description().contains(encodedKey));
        assertFalse(rk.toString().contains(encodedKey));
    }

    private static StoreException assertCorrupt(Path file) {
        StoreException e = assertThrows(StoreException.class, () -> RootKeyFile.openOrCreate(file));
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        return e;
    }
}
