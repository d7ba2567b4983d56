package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.secrets.api.SecretChangeListener;
import dev.aegis.store.api.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** KV v2 version life cycle and metadata: soft delete, undelete, destroy, metadata read/write/delete. */
final class KvVersions {
    private final Store store;
    private final Mount mount;
    private final SecretChangeListener changes;
    private final Clock clock;

    KvVersions(Store store, Mount mount, SecretChangeListener changes, Clock clock) {
        this.store = store;
        this.mount = mount;
        this.changes = changes;
        this.clock = clock;
    }

    Reply deleteLatest(String key) {
        Instant now = clock.instant();
        List<Long> changed = store.inTransaction(c -> {
            KvRows.Meta meta = KvRows.lockMeta(c, mount.uuid(), key);
            if (meta == null || meta.currentVersion() == 0) {
                return List.<Long>of();
            }
            return KvRows.setDeleted(c, mount.uuid(), key, List.of(meta.currentVersion()), now);
        });
        notify(key, changed, "delete");
        return Reply.noContent();
    }

    Reply change(String key, Call call, String what) {
        if (call.op() != Operation.WRITE) {
            throw VaultError.unsupported(call.op().name(), call.path());
        }
        List<Long> versions = KvEngine.versionsOf(call.body());
        Instant now = clock.instant();
        List<Long> changed = store.inTransaction(c -> {
            if (KvRows.lockMeta(c, mount.uuid(), key) == null) {
                return List.<Long>of();
            }
            return switch (what) {
                case "delete" -> KvRows.setDeleted(c, mount.uuid(), key, versions, now);
                case "undelete" -> KvRows.setDeleted(c, mount.uuid(), key, versions, null);
                default -> KvRows.destroy(c, mount.uuid(), key, versions);
            };
        });
        notify(key, changed, what);
        return Reply.noContent();
    }

    Reply metadata(String key) {
        record Loaded(KvRows.Meta meta, List<KvRows.Version> versions) {
        }
        Loaded loaded = store.inTransaction(c -> {
            KvRows.Read r = KvRows.read(c, mount.uuid(), key, -1);
            return r == null ? null : new Loaded(r.meta(), KvRows.versions(c, mount.uuid(), key));
        });
        if (loaded == null) {
            throw VaultError.notFound();
        }
        KvRows.Meta m = loaded.meta();
        ObjectNode data = VaultJson.object();
        data.put("cas_required", m.casRequired());
        data.put("created_time", VaultJson.time(m.createdAt()));
        data.put("current_version", m.currentVersion());
        if (m.customMetadata().isEmpty()) {
            data.putNull("custom_metadata");
        } else {
            ObjectNode cm = data.putObject("custom_metadata");
            m.customMetadata().forEach(cm::put);
        }
        data.put("delete_version_after", m.deleteAfterSeconds() + "s");
        data.put("max_versions", m.maxVersions());
        data.put("oldest_version", m.oldestVersion());
        data.put("updated_time", VaultJson.time(m.updatedAt()));
        ObjectNode versions = data.putObject("versions");
        for (KvRows.Version v : loaded.versions()) {
            ObjectNode o = versions.putObject(Long.toString(v.version()));
            o.put("created_time", VaultJson.time(v.createdAt()));
            o.put("deletion_time", VaultJson.time(v.deletedAt()));
            o.put("destroyed", v.destroyed());
        }
        return Reply.data(data);
    }

    Reply writeMetadata(String key, ObjectNode body) {
        Instant now = clock.instant();
        Map<String, String> custom = customMetadata(body);
        store.inTransaction(c -> {
            KvRows.insertMetaIfAbsent(c, mount.uuid(), key,
                    new KvRows.Meta(0, 0, 0, false, 0, new LinkedHashMap<>(), now, now));
            KvRows.Meta m = KvRows.lockMeta(c, mount.uuid(), key);
            int max = body.has("max_versions") ? (int) VaultJson.integer(body, "max_versions", 0) : m.maxVersions();
            if (max < 0) {
                throw VaultError.badRequest("max_versions must not be negative");
            }
            boolean cas = body.has("cas_required") ? VaultJson.bool(body, "cas_required", false) : m.casRequired();
            long after = body.has("delete_version_after")
                    ? Ttl.field(body, "delete_version_after", Duration.ZERO).toSeconds() : m.deleteAfterSeconds();
            KvRows.Meta next = new KvRows.Meta(m.currentVersion(), m.oldestVersion(), max, cas, after,
                    custom != null ? custom : m.customMetadata(), m.createdAt(), now);
            KvRows.updateMeta(c, mount.uuid(), key, next);
            return null;
        });
        return Reply.noContent();
    }

    Reply deleteMetadata(String key) {
        store.inTransaction(c -> {
            KvRows.deleteAll(c, mount.uuid(), key);
            return null;
        });
        changes.secretChanged(mount.path() + key, 0, "metadata-delete");
        return Reply.noContent();
    }

    private static Map<String, String> customMetadata(ObjectNode body) {
        JsonNode n = body.get("custom_metadata");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject() || n.size() > 64) {
            throw VaultError.badRequest("custom_metadata must be an object of at most 64 strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isValueNode() || e.getKey().length() > 128 || e.getValue().asText().length() > 512) {
                throw VaultError.badRequest("custom_metadata keys are at most 128 and values 512 characters");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private void notify(String key, List<Long> versions, String what) {
        for (long v : versions) {
            changes.secretChanged(mount.path() + key, v, what);
        }
    }
}
