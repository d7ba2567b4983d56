package dev.aegis.server;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.JsonLinesAuditSink;
import dev.aegis.server.runtime.KeyRotationScheduler;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import java.util.List;
import java.util.Objects;

/**
 * The platform layer of one Aegis process, which every module builds on: store, event stream, key material,
 * audit log (with its JSON-lines mirrors) and key rotation.
 */
record Platform(Store store, EventBus events, RootKeyFile rootKeyFile, KeyMaterialStore keys,
                List<JsonLinesAuditSink> sinks, AuditLog audit, KeyRotationScheduler rotation) {
    Platform {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(rootKeyFile, "rootKeyFile");
        Objects.requireNonNull(keys, "keys");
        sinks = List.copyOf(sinks);
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(rotation, "rotation");
    }
}
