package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.secrets.api.SealType;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request is audited with HMACs of its values, and nothing happens that cannot be audited. */
class AuditFailClosedTest {
    @TempDir
    Path dir;

    @Test
    void requestsAreAuditedWithHmacsAndRefusedWhenTheAuditTrailIsDown() throws Exception {
        try (SecretsHarness h = SecretsHarness.start(PostgresTestServer.freshEmbedded(dir), dir, SealType.FILE)) {
            String root = h.rootToken();
            assertEquals(200, h.call("POST", "secret/data/audited", root, "{\"data\":{\"pin\":\"9137-planted\"}}").status());
            String hash = h.call("POST", "sys/audit-hash/aegis", root, "{\"input\":\"9137-planted\"}").json().path("hash").asText();
            assertTrue(hash.startsWith("hmac-sha256:"), hash);
            assertEquals(403, h.call("GET", "secret/data/audited", "hvs.wrong", null).status());

            h.audit.close(); // the audit trail becomes unavailable
            h.sink.close();
            SecretsHarness.Resp write = h.call("POST", "secret/data/audited", root, "{\"data\":{\"pin\":\"0000\"}}");
            assertEquals(503, write.status(), write.body());
            SecretsHarness.Resp read = h.call("GET", "secret/data/audited", root, null);
            assertEquals(500, read.status(), "a response that cannot be audited is withheld");
            assertFalse(read.body().contains("9137-planted"));

            String lines = Files.readString(h.auditFile);
            assertTrue(lines.contains(hash), "the value is in the trail as its HMAC");
            assertFalse(lines.contains("9137-planted"));
            assertTrue(lines.contains("permission_denied"), "denied requests are audited too");
            Long version = h.store.inTransaction(c -> {
                try (var ps = c.prepareStatement("SELECT current_version FROM secrets_kv_metadata WHERE path = 'audited'");
                     var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertEquals(1L, version, "the write that could not be audited did not happen");
        }
    }
}
