package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A mounted secrets engine or auth method.
 *
 * @param path        mount path with trailing slash, e.g. {@code secret/} or (auth) {@code auth/approle/}
 * @param kind        {@code secret} or {@code auth}
 * @param engine      {@code kv} (version 2), {@code transit}, {@code database}, {@code approle}, {@code token}
 * @param accessor    non-secret id, e.g. {@code kv_1a2b3c}
 * @param uuid        stable id; rows of the engine are keyed by it, so a remount keeps nothing of another mount
 * @param description free text
 * @param options     engine options ({@code {"version":"2"}} for kv)
 * @param createdAt   when it was mounted
 */
record Mount(String path, String kind, String engine, String accessor, String uuid, String description,
             ObjectNode options, Instant createdAt) {

    /** The type as Vault reports it in {@code sys/mounts}. */
    String vaultType() {
        return engine;
    }
}
