package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.audit.api.AuditSink;
import dev.aegis.audit.api.JsonLinesAuditSink;
import dev.aegis.secrets.api.SealType;
import dev.aegis.secrets.api.SecretChangeListener;
import dev.aegis.secrets.api.SecretsEngine;
import dev.aegis.secrets.api.SecretsSettings;
import dev.aegis.secrets.api.VaultRequest;
import dev.aegis.secrets.api.VaultResponse;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A secrets engine over a real store (H2 or PostgreSQL) and a real audit log with a JSON-lines sink. */
final class SecretsHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Store store;
    final AuditLog audit;
    final JsonLinesAuditSink sink;
    final Path auditFile;
    final SecretsEngine engine;
    final RootKeyFile rootKeyFile;
    final List<String> changes = new CopyOnWriteArrayList<>();
    /** The platform's access tokens, for the aegis auth method. */
    final TestAccessTokens accessTokens = new TestAccessTokens();

    record Resp(int status, JsonNode json, String body) {
        JsonNode data() {
            return json.path("data");
        }
    }

    private SecretsHarness(StoreConfig config, Path dir, SecretsSettings settings) throws IOException {
        store = Store.open(config);
        rootKeyFile = RootKeyFile.openOrCreate(dir.resolve("root.key"));
        KeyMaterialStore keys = new KeyMaterialStore(store, rootKeyFile, Clock.systemUTC());
        auditFile = dir.resolve("audit-" + System.nanoTime() + ".jsonl");
        sink = JsonLinesAuditSink.toFile(auditFile);
        audit = AuditLog.start(AuditSettings.defaults(), store, keys, List.<AuditSink>of(sink), Clock.systemUTC());
        SecretChangeListener listener = (path, version, change) -> changes.add(change + " " + path + " v" + version);
        engine = SecretsEngine.start(settings, store, audit, rootKeyFile, listener, accessTokens, Clock.systemUTC());
    }

    static SecretsHarness start(StoreConfig config, Path dir, SealType seal) throws IOException {
        return new SecretsHarness(config, dir, SecretsSettings.defaults(seal).withLeaseReapInterval(Duration.ofMillis(200)));
    }

    String rootToken() {
        return engine.initialRootToken().orElseThrow();
    }

    Resp call(String method, String path, String token, String json) {
        return call(method, path, token, json, Map.of(), "127.0.0.1");
    }

    Resp call(String method, String path, String token, String json, Map<String, String> query, String remote) {
        VaultResponse r = engine.handle(new VaultRequest(method, path, query, token,
                json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8), remote));
        try {
            return new Resp(r.status(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()), r.body());
        } catch (IOException e) {
            throw new AssertionError("response is not JSON: " + r.body(), e);
        }
    }

    @Override
    public void close() throws IOException {
        engine.close();
        audit.close();
        sink.close();
        store.close();
    }
}
