package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.secrets.api.SealType;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Shamir seal: init 5/3, a sealed node refuses everything but the seal endpoints, wrong shares are refused. */
class SealedBarrierTest {
    @TempDir
    Path dir;

    private static List<String> keys(SecretsHarness.Resp init) {
        List<String> keys = new ArrayList<>();
        for (JsonNode k : init.json().path("keys")) {
            keys.add(k.asText());
        }
        return keys;
    }

    @Test
    void sealedNodeRefusesEverythingExceptTheSealEndpoints() throws Exception {
        try (SecretsHarness h = SecretsHarness.start(PostgresTestServer.freshEmbedded(dir), dir, SealType.SHAMIR)) {
            assertFalse(h.call("GET", "sys/seal-status", null, null).json().path("initialized").asBoolean());
            assertEquals(503, h.call("GET", "secret/data/x", "hvs.anything", null).status());

            SecretsHarness.Resp init = h.call("PUT", "sys/init", null, "{\"secret_shares\":5,\"secret_threshold\":3}");
            assertEquals(200, init.status(), init.body());
            List<String> keys = keys(init);
            assertEquals(5, keys.size());
            String root = init.json().path("root_token").asText();
            assertTrue(root.startsWith("hvs."));
            assertEquals(400, h.call("PUT", "sys/init", null, "{}").status(), "initialised only once");

            JsonNode status = h.call("GET", "sys/seal-status", null, null).json();
            assertTrue(status.path("sealed").asBoolean());
            assertEquals(3, status.path("t").asInt());
            assertEquals(5, status.path("n").asInt());
            for (String[] request : new String[][] {{"GET", "secret/data/x"}, {"POST", "secret/data/x"},
                {"GET", "sys/mounts"}, {"POST", "auth/token/create"}, {"GET", "auth/token/lookup-self"},
                {"POST", "transit/encrypt/k"}, {"POST", "auth/approle/login"}, {"PUT", "sys/seal"}}) {
                SecretsHarness.Resp r = h.call(request[0], request[1], root, "{\"data\":{\"a\":\"b\"}}");
                assertEquals(503, r.status(), request[1]);
                assertEquals("Vault is sealed", r.json().path("errors").path(0).asText());
            }
            assertEquals(503, h.call("GET", "sys/health", null, null).status());

            assertEquals(1, h.call("PUT", "sys/unseal", null, "{\"key\":\"" + keys.get(4) + "\"}").json().path("progress").asInt());
            assertEquals(2, h.call("PUT", "sys/unseal", null, "{\"key\":\"" + keys.get(1) + "\"}").json().path("progress").asInt());
            JsonNode open = h.call("PUT", "sys/unseal", null, "{\"key\":\"" + keys.get(2) + "\"}").json();
            assertFalse(open.path("sealed").asBoolean(), open.toString());

            assertEquals(200, h.call("POST", "secret/data/x", root, "{\"data\":{\"a\":\"b\"}}").status());
            assertEquals("b", h.call("GET", "secret/data/x", root, null).data().path("data").path("a").asText());

            assertEquals(204, h.call("PUT", "sys/seal", root, null).status());
            assertEquals(503, h.call("GET", "secret/data/x", root, null).status());
        }
    }

    @Test
    void wrongShamirSharesAreRefusedAndTheNodeStaysSealed() throws Exception {
        List<String> foreign;
        try (SecretsHarness other = SecretsHarness.start(PostgresTestServer.freshEmbedded(dir), dir, SealType.SHAMIR)) {
            foreign = keys(other.call("PUT", "sys/init", null, "{\"secret_shares\":5,\"secret_threshold\":3}"));
        }
        try (SecretsHarness h = SecretsHarness.start(PostgresTestServer.freshEmbedded(dir), dir, SealType.SHAMIR)) {
            List<String> keys = keys(h.call("PUT", "sys/init", null, "{\"secret_shares\":5,\"secret_threshold\":3}"));
            // Shares of another installation reconstruct another key: refused.
            h.call("PUT", "sys/unseal", null, "{\"key\":\"" + foreign.get(0) + "\"}");
            h.call("PUT", "sys/unseal", null, "{\"key\":\"" + foreign.get(1) + "\"}");
            SecretsHarness.Resp r = h.call("PUT", "sys/unseal", null, "{\"key\":\"" + foreign.get(2) + "\"}");
            assertEquals(400, r.status(), r.body());
            assertTrue(h.call("GET", "sys/seal-status", null, null).json().path("sealed").asBoolean());
            assertEquals(0, h.call("GET", "sys/seal-status", null, null).json().path("progress").asInt());

            // Two good shares and one tampered share: refused too.
            char[] bad = keys.get(3).toCharArray();
            bad[10] = bad[10] == 'a' ? 'b' : 'a';
            h.call("PUT", "sys/unseal", null, "{\"key\":\"" + keys.get(0) + "\"}");
            h.call("PUT", "sys/unseal", null, "{\"key\":\"" + keys.get(1) + "\"}");
            assertEquals(400, h.call("PUT", "sys/unseal", null, "{\"key\":\"" + new String(bad) + "\"}").status());
            assertTrue(h.call("GET", "sys/seal-status", null, null).json().path("sealed").asBoolean());

            // Garbage is a clear 400, not an exception.
            assertEquals(400, h.call("PUT", "sys/unseal", null, "{\"key\":\"not-a-share\"}").status());
            assertEquals(400, h.call("PUT", "sys/unseal", null, "{\"key\":").status());

            // Any three right shares open it.
            h.call("PUT", "sys/unseal", null, "{\"key\":\"" + keys.get(0) + "\"}");
            h.call("PUT", "sys/unseal", null, "{\"key\":\"" + keys.get(3) + "\"}");
            assertFalse(h.call("PUT", "sys/unseal", null, "{\"key\":\"" + keys.get(4) + "\"}").json().path("sealed").asBoolean());
        }
    }

    @Test
    void fileSealStartsUnsealedAndPrintsTheRootTokenOnlyOnce() throws Exception {
        Path data = dir.resolve("node");
        String root;
        try (SecretsHarness h = SecretsHarness.start(dev.aegis.store.api.StoreConfig.embedded(data), data, SealType.FILE)) {
            root = h.rootToken();
            assertEquals(200, h.call("GET", "auth/token/lookup-self", root, null).status());
        }
        try (SecretsHarness h = SecretsHarness.start(dev.aegis.store.api.StoreConfig.embedded(data), data, SealType.FILE)) {
            assertTrue(h.engine.initialRootToken().isEmpty(), "the root token is shown on the first start only");
            assertFalse(h.engine.sealed());
            assertEquals(200, h.call("GET", "auth/token/lookup-self", root, null).status());
            Integer rows = h.store.inTransaction(c -> {
                try (var ps = c.prepareStatement("SELECT COUNT(*) FROM secrets_tokens WHERE token_hash = ?")) {
                    ps.setString(1, root);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
            assertEquals(0, rows, "the token itself is never stored, only its HMAC");
        }
    }
}
