package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.Envelope;
import dev.aegis.secrets.api.SealType;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keyring rotation re-encrypts nothing; rewrap on demand moves every data key under the new primary. */
class KeyringRotationTest {
    @TempDir
    Path dir;

    private static Set<String> envelopeKeys(SecretsHarness h) {
        return h.store.inTransaction(c -> {
            Set<String> kids = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT envelope FROM secrets_kv_versions WHERE envelope IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kids.add(Envelope.decode(rs.getBytes(1)).masterKeyId().value());
                }
            } catch (dev.aegis.core.api.crypto.DecryptionFailedException e) {
                throw new AssertionError(e);
            }
            return kids;
        });
    }

    private static byte[] ciphertextOf(SecretsHarness h) {
        return h.store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT envelope FROM secrets_kv_versions WHERE path = 'rot/a'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Envelope.decode(rs.getBytes(1)).ciphertext();
            } catch (dev.aegis.core.api.crypto.DecryptionFailedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void rotationKeepsOldDataReadableAndRewrapMovesDataKeysOnly() throws Exception {
        try (SecretsHarness h = SecretsHarness.start(PostgresTestServer.freshEmbedded(dir), dir, SealType.FILE)) {
            String root = h.rootToken();
            h.call("POST", "secret/data/rot/a", root, "{\"data\":{\"v\":\"before\"}}");
            Set<String> before = envelopeKeys(h);
            byte[] ciphertext = ciphertextOf(h);
            assertEquals(204, h.call("PUT", "sys/rotate", root, null).status());
            assertEquals(2, h.call("GET", "sys/key-status", root, null).data().path("term").asInt());
            assertEquals(before, envelopeKeys(h), "rotation re-encrypts nothing");
            assertEquals("before", h.call("GET", "secret/data/rot/a", root, null).data().path("data").path("v").asText());
            h.call("POST", "secret/data/rot/b", root, "{\"data\":{\"v\":\"after\"}}");
            assertEquals(2, envelopeKeys(h).size());

            SecretsHarness.Resp rewrap = h.call("PUT", "sys/rewrap", root, null);
            assertTrue(rewrap.data().path("rewrapped").asInt() >= 1, rewrap.body());
            assertEquals(Set.of(rewrap.data().path("primary").asText()), envelopeKeys(h));
            assertTrue(java.util.Arrays.equals(ciphertext, ciphertextOf(h)), "rewrap leaves the data ciphertext as it was");
            assertEquals("before", h.call("GET", "secret/data/rot/a", root, null).data().path("data").path("v").asText());
        }
    }
}
