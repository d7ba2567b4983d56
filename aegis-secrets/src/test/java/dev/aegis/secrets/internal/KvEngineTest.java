package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** KV version 2 behaviour, on H2 and on PostgreSQL. */
class KvEngineTest {

    static List<SecretsHarness> databases() {
        return SharedHarnesses.both();
    }

    private static String key() {
        return "kvtest/" + UUID.randomUUID();
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("databases")
    void versionsSoftDeleteUndeleteDestroyAndMetadata(SecretsHarness h) {
        String root = h.rootToken();
        String k = key();
        SecretsHarness.Resp w1 = h.call("POST", "secret/data/" + k, root, "{\"data\":{\"v\":\"one\"}}");
        assertEquals(200, w1.status(), w1.body());
        assertEquals(1, w1.data().path("version").asInt());
        assertEquals(2, h.call("PUT", "secret/data/" + k, root, "{\"data\":{\"v\":\"two\"}}").data().path("version").asInt());
        assertTrue(h.changes.contains("write secret/" + k + " v2"), "change event for the new version");

        assertEquals("two", h.call("GET", "secret/data/" + k, root, null).data().path("data").path("v").asText());
        assertEquals("one", h.call("GET", "secret/data/" + k, root, null, Map.of("version", "1"), "127.0.0.1")
                .data().path("data").path("v").asText());

        assertEquals(204, h.call("DELETE", "secret/data/" + k, root, null).status());
        SecretsHarness.Resp gone = h.call("GET", "secret/data/" + k, root, null);
        assertEquals(404, gone.status());
        assertTrue(gone.data().path("data").isNull());
        assertTrue(!gone.data().path("metadata").path("deletion_time").asText().isEmpty());

        assertEquals(204, h.call("POST", "secret/undelete/" + k, root, "{\"versions\":[2]}").status());
        assertEquals("two", h.call("GET", "secret/data/" + k, root, null).data().path("data").path("v").asText());

        assertEquals(204, h.call("PUT", "secret/destroy/" + k, root, "{\"versions\":[1]}").status());
        SecretsHarness.Resp destroyed = h.call("GET", "secret/data/" + k, root, null, Map.of("version", "1"), "127.0.0.1");
        assertEquals(404, destroyed.status());
        assertTrue(destroyed.data().path("metadata").path("destroyed").asBoolean());
        assertEquals(204, h.call("POST", "secret/undelete/" + k, root, "{\"versions\":[1]}").status());
        assertEquals(404, h.call("GET", "secret/data/" + k, root, null, Map.of("version", "1"), "127.0.0.1").status(),
                "a destroyed version cannot be undeleted");

        JsonNode meta = h.call("GET", "secret/metadata/" + k, root, null).data();
        assertEquals(2, meta.path("current_version").asInt());
        assertTrue(meta.path("versions").path("1").path("destroyed").asBoolean());
        assertEquals(204, h.call("POST", "secret/metadata/" + k, root,
                "{\"custom_metadata\":{\"owner\":\"payments\"},\"max_versions\":3}").status());
        assertEquals("payments", h.call("GET", "secret/data/" + k, root, null).data().path("metadata")
                .path("custom_metadata").path("owner").asText());

        assertEquals(List.of(k.substring("kvtest/".length())), keys(h.call("LIST", "secret/metadata/kvtest/", root, null)
                .data()).stream().filter(s -> s.equals(k.substring(7))).toList());
        assertEquals(204, h.call("DELETE", "secret/metadata/" + k, root, null).status());
        assertEquals(404, h.call("GET", "secret/data/" + k, root, null).status());
    }

    private static List<String> keys(JsonNode data) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        data.path("keys").forEach(n -> out.add(n.asText()));
        return out;
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("databases")
    void checkAndSetConflictIsRefused(SecretsHarness h) {
        String root = h.rootToken();
        String k = key();
        assertEquals(200, h.call("POST", "secret/data/" + k, root, "{\"options\":{\"cas\":0},\"data\":{\"a\":\"1\"}}").status());
        SecretsHarness.Resp conflict = h.call("POST", "secret/data/" + k, root, "{\"options\":{\"cas\":0},\"data\":{\"a\":\"2\"}}");
        assertEquals(400, conflict.status());
        assertEquals("check-and-set parameter did not match the current version",
                conflict.json().path("errors").path(0).asText());
        assertEquals(200, h.call("POST", "secret/data/" + k, root, "{\"options\":{\"cas\":1},\"data\":{\"a\":\"2\"}}").status());

        h.call("POST", "secret/metadata/" + k, root, "{\"cas_required\":true}");
        SecretsHarness.Resp missing = h.call("POST", "secret/data/" + k, root, "{\"data\":{\"a\":\"3\"}}");
        assertEquals(400, missing.status());
        assertEquals("check-and-set parameter required for this call", missing.json().path("errors").path(0).asText());
        assertEquals("2", h.call("GET", "secret/data/" + k, root, null).data().path("data").path("a").asText(),
                "a refused write loses nothing and changes nothing");
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("databases")
    void concurrentCheckAndSetWritersExactlyOneWins(SecretsHarness h) throws Exception {
        String root = h.rootToken();
        String k = key();
        h.call("POST", "secret/data/" + k, root, "{\"data\":{\"n\":\"0\"}}");
        AtomicInteger won = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    if (h.call("POST", "secret/data/" + k, root,
                            "{\"options\":{\"cas\":1},\"data\":{\"n\":\"" + n + "\"}}").status() == 200) {
                        won.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertEquals(1, won.get());
        assertEquals(2, h.call("GET", "secret/metadata/" + k, root, null).data().path("current_version").asInt());
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("databases")
    void maxVersionsPrunesTheOldest(SecretsHarness h) {
        String root = h.rootToken();
        String k = key();
        h.call("POST", "secret/metadata/" + k, root, "{\"max_versions\":2}");
        for (int i = 1; i <= 4; i++) {
            h.call("POST", "secret/data/" + k, root, "{\"data\":{\"i\":\"" + i + "\"}}");
        }
        JsonNode meta = h.call("GET", "secret/metadata/" + k, root, null).data();
        assertEquals(3, meta.path("oldest_version").asInt());
        assertEquals(2, meta.path("versions").size());
        assertEquals(404, h.call("GET", "secret/data/" + k, root, null, Map.of("version", "1"), "127.0.0.1").status());
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("databases")
    void badInputGetsVaultErrorsNotStackTraces(SecretsHarness h) {
        String root = h.rootToken();
        for (String[] c : new String[][] {{"POST", "secret/data/x", "{not json"}, {"POST", "secret/data/x", "[1,2]"},
            {"POST", "secret/data/x", "{\"data\":\"text\"}"}, {"POST", "secret/delete/x", "{}"},
            {"GET", "secret/data/../../sys/seal", null}, {"POST", "sys/mounts/kv2", "{\"type\":\"nonsense\"}"}}) {
            SecretsHarness.Resp r = h.call(c[0], c[1], root, c[2]);
            assertEquals(400, r.status(), c[1] + " " + r.body());
            assertTrue(r.json().path("errors").isArray(), r.body());
            assertTrue(!r.body().contains("Exception") && !r.body().contains("at dev.aegis"), r.body());
        }
        assertEquals(404, h.call("GET", "nomount/data/x", root, null).status());
        assertEquals(404, h.call("GET", "secret/data/never-written", root, null).status());
    }
}
