package dev.aegis.bench;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.audit.api.AuditSink;
import dev.aegis.core.api.crypto.CryptoProviders;
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
import dev.aegis.store.testing.PostgresTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A secrets engine as {@code aegis up} runs it (fail-closed audit log, envelope-encrypted store, ACL-checked
 * non-root token), on the embedded H2 database or on a real PostgreSQL (embedded server, fsync off: it measures
 * the code path, not a disk).
 */
final class SecretsFixture implements AutoCloseable {
    final Store store;
    final AuditLog audit;
    final SecretsEngine engine;
    final String token;

    SecretsFixture(String database) throws IOException {
        CryptoProviders.installPreferred();
        Path dir = Files.createTempDirectory("aegis-bench-secrets");
        StoreConfig config = "postgres".equals(database) ? PostgresTestServer.freshDatabase().withMaxPoolSize(32)
                : StoreConfig.embedded(dir.resolve("data")).withMaxPoolSize(32);
        store = Store.open(config);
        RootKeyFile root = RootKeyFile.openOrCreate(dir.resolve("root.key"));
        AuditSettings settings = "open".equals(System.getProperty("bench.audit"))
                ? AuditSettings.defaults().withFailureMode(dev.aegis.audit.api.AuditFailureMode.FAIL_OPEN) : AuditSettings.defaults();
        audit = AuditLog.start(settings, store, new KeyMaterialStore(store, root, Clock.systemUTC()),
                List.<AuditSink>of(), Clock.systemUTC());
        engine = SecretsEngine.start(SecretsSettings.defaults(SealType.FILE), store, audit, root,
                SecretChangeListener.NONE, Clock.systemUTC());
        String rootToken = engine.initialRootToken().orElseThrow();
        call("PUT", "sys/policies/acl/bench", rootToken, "{\"policy\":\"path \\\"secret/data/bench/*\\\" "
                + "{ capabilities = [\\\"create\\\", \\\"read\\\", \\\"update\\\"] }\\npath \\\"transit/*\\\" "
                + "{ capabilities = [\\\"update\\\"] }\"}");
        String created = call("POST", "auth/token/create", rootToken, "{\"policies\":[\"bench\"]}").body();
        int at = created.indexOf("\"client_token\":\"") + 16;
        token = created.substring(at, created.indexOf('"', at));
        call("POST", "sys/mounts/transit", rootToken, "{\"type\":\"transit\"}");
        call("POST", "transit/keys/bench", rootToken, "{}");
    }

    VaultResponse call(String method, String path, String tok, String body) {
        VaultResponse r = engine.handle(new VaultRequest(method, path, Map.of(), tok,
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), "127.0.0.1"));
        if (r.status() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + r.status() + ": " + r.body());
        }
        return r;
    }

    @Override
    public void close() {
        engine.close();
        audit.close();
        store.close();
    }
}
