package dev.aegis.server.cli;

import dev.aegis.audit.api.AuditFailureMode;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditSettings;
import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The storage, audit log and event bus of an installation, opened by a CLI command that works beside (or
 * without) a running server: {@code aegis apikeys …} and the stand-alone {@code aegis gateway}. Refuses to
 * create a new installation: the data directory and root key must exist (or PostgreSQL be configured).
 */
final class PlatformSession implements AutoCloseable {

    final Store store;
    final AuditLog audit;
    final EventBus events;

    PlatformSession(AegisConfig config, int poolSize) {
        if (config.storage().embedded() && !Files.isDirectory(config.dataDir())) {
            throw new IllegalStateException("no data directory at " + config.dataDir().toAbsolutePath()
                    + " (run ./aegis up once, or pass --data-dir)");
        }
        if (!Files.isRegularFile(config.rootKeyFile())) {
            throw new IllegalStateException("no root key file at " + config.rootKeyFile().toAbsolutePath());
        }
        CryptoProviders.installPreferred();
        System.setProperty("h2.bindAddress", "127.0.0.1");
        StoreConfig storeConfig = config.storage().embedded()
                ? StoreConfig.embedded(config.dataDir())
                : StoreConfig.postgres(config.storage().postgresUrl(), config.storage().postgresUser(),
                        config.storage().postgresPassword());
        this.store = Store.open(storeConfig.withMaxPoolSize(poolSize));
        try {
            KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(config.rootKeyFile()), Clock.systemUTC());
            this.audit = AuditLog.start(AuditSettings.defaults()
                    .withFailureMode(config.audit().failClosed() ? AuditFailureMode.FAIL_CLOSED : AuditFailureMode.FAIL_OPEN)
                    .withRecordTimeout(config.audit().recordTimeout()), store, keys, List.of(), Clock.systemUTC());
            this.events = new EventBus(store, Clock.systemUTC(), Duration.ofHours(24));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public void close() {
        events.close();
        audit.close();
        store.close();
    }
}
