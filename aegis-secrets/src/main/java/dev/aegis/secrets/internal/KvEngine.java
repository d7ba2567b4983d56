package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.secrets.api.SecretChangeListener;
import dev.aegis.store.api.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KV secrets engine version 2 at Vault's paths: {@code data/}, {@code metadata/}, {@code delete/},
 * {@code undelete/}, {@code destroy/}, {@code config}. Each version's data is one envelope (AES-256-GCM, its own
 * data key) bound to mount, path and version, so a row moved to another key or version does not open.
 *
 * <p>Writes lock the key's metadata row ({@code SELECT ... FOR UPDATE}), so check-and-set is exact across nodes.
 * Thread-safe.
 */
final class KvEngine implements MountedEngine {
    static final int DEFAULT_MAX_VERSIONS = 10;

    private final Store store;
    private final Barrier barrier;
    private final Mounts mounts;
    private final Clock clock;
    private final SecretChangeListener changes;
    private final KvReadCache cache;

    KvEngine(Store store, Barrier barrier, Mounts mounts, Clock clock, SecretChangeListener changes, KvReadCache cache) {
        this.store = store;
        this.barrier = barrier;
        this.mounts = mounts;
        this.clock = clock;
        this.cache = cache;
        // Every change on this node drops the cached copy before anyone is told about it.
        this.changes = (path, version, change) -> {
            cache.invalidate(path);
            changes.secretChanged(path, version, change);
        };
    }

    @Override
    public Reply handle(Mount mount, Call call) {
        String rest = call.rest();
        if ("config".equals(rest)) {
            return config(mount, call);
        }
        int slash = rest.indexOf('/');
        String group = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (key.isEmpty() && !("metadata".equals(group) && call.op() == Operation.LIST)) {
            throw VaultError.notFound();
        }
        KvVersions versions = new KvVersions(store, mount, changes, clock);
        if (call.op() != Operation.READ && call.op() != Operation.LIST) {
            cache.invalidate(mount.path() + key); // before the change too: a failed write leaves nothing stale
        }
        return switch (group) {
            case "data" -> switch (call.op()) {
                case READ -> read(mount, key, call);
                case WRITE -> write(mount, key, call.body());
                case PATCH -> patch(mount, key, call.body());
                case DELETE -> versions.deleteLatest(key);
                case LIST -> throw VaultError.unsupported("LIST", rest);
            };
            case "metadata" -> switch (call.op()) {
                case READ -> versions.metadata(key);
                case LIST -> Reply.keys(store.inTransaction(c -> KvRows.list(c, mount.uuid(), key.isEmpty() ? "" : key + "/")));
                case WRITE -> versions.writeMetadata(key, call.body());
                case DELETE -> versions.deleteMetadata(key);
                case PATCH -> versions.writeMetadata(key, call.body());
            };
            case "delete" -> versions.change(key, call, "delete");
            case "undelete" -> versions.change(key, call, "undelete");
            case "destroy" -> versions.change(key, call, "destroy");
            default -> throw VaultError.notFound();
        };
    }

    @Override
    public boolean creates(Mount mount, String rest) {
        if (!rest.startsWith("data/") && !rest.startsWith("metadata/")) {
            return false;
        }
        String key = rest.substring(rest.indexOf('/') + 1);
        return !store.inTransaction(c -> KvRows.exists(c, mount.uuid(), key));
    }

    @Override
    public void unmounted(Mount mount) {
        cache.clear();
        store.inTransaction(c -> {
            KvRows.deleteMount(c, mount.uuid());
            return null;
        });
    }

    private Reply read(Mount mount, String key, Call call) {
        long version = parseVersion(call.query().get("version"));
        KvRows.Read read = version == 0 ? cache.get(mount.path() + key) : null;
        if (read == null) {
            long started = System.nanoTime();
            read = SingleReads.read(store, c -> KvRows.read(c, mount.uuid(), key, version));
            if (version == 0 && read != null) {
                cache.put(mount.path() + key, read, started);
            }
        }
        if (read == null || read.version() == null) {
            throw VaultError.notFound();
        }
        KvRows.Version v = read.version();
        Instant now = clock.instant();
        ObjectNode data = VaultJson.object();
        boolean gone = v.destroyed() || v.deleted(now);
        if (gone) {
            data.set("data", NullNode.getInstance());
        } else {
            byte[] plain = barrier.decrypt(v.envelope(), aad(mount, key, v.version()));
            try {
                data.set("data", VaultJson.MAPPER.readTree(plain));
            } catch (IOException e) {
                throw new IllegalStateException("stored KV data is malformed", e);
            } finally {
                java.util.Arrays.fill(plain, (byte) 0);
            }
        }
        data.set("metadata", versionMetadata(v, read.meta().customMetadata()));
        Reply reply = Reply.data(data);
        return gone ? new Reply(404, reply.body()) : reply; // Vault: 404, but with the metadata
    }

    private Reply write(Mount mount, String key, ObjectNode body) {
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            throw VaultError.badRequest("no data provided");
        }
        JsonNode options = body.path("options");
        Long cas = options.has("cas") && !options.get("cas").isNull() ? options.get("cas").asLong() : null;
        return writeVersion(mount, key, (ObjectNode) data, cas);
    }

    private Reply patch(Mount mount, String key, ObjectNode body) {
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            throw VaultError.badRequest("no data provided");
        }
        KvRows.Read read = store.inTransaction(c -> KvRows.read(c, mount.uuid(), key, 0));
        if (read == null || read.version() == null || read.version().destroyed()
                || read.version().deleted(clock.instant())) {
            throw VaultError.notFound();
        }
        ObjectNode merged;
        byte[] plain = barrier.decrypt(read.version().envelope(), aad(mount, key, read.version().version()));
        try {
            merged = (ObjectNode) VaultJson.MAPPER.readTree(plain);
        } catch (IOException e) {
            throw new IllegalStateException("stored KV data is malformed", e);
        }
        for (Map.Entry<String, JsonNode> e : data.properties()) {
            if (e.getValue().isNull()) {
                merged.remove(e.getKey()); // JSON merge patch (RFC 7396): null removes
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        }
        return writeVersion(mount, key, merged, read.version().version());
    }

    private Reply writeVersion(Mount mount, String key, ObjectNode data, Long cas) {
        checkKey(key);
        byte[] plain = VaultJson.write(data).getBytes(StandardCharsets.UTF_8);
        Instant now = clock.instant();
        int mountMax = mount.options().path("max_versions").asInt(0);
        boolean mountCas = mount.options().path("cas_required").asBoolean(false);
        long mountDeleteAfter = mount.options().path("delete_version_after_seconds").asLong(0);
        KvRows.Read written = store.inTransaction(c -> {
            KvRows.insertMetaIfAbsent(c, mount.uuid(), key,
                    new KvRows.Meta(0, 0, 0, false, 0, new LinkedHashMap<>(), now, now));
            KvRows.Meta meta = KvRows.lockMeta(c, mount.uuid(), key);
            if ((meta.casRequired() || mountCas) && cas == null) {
                throw VaultError.badRequest("check-and-set parameter required for this call");
            }
            if (cas != null && cas != meta.currentVersion()) {
                throw VaultError.badRequest("check-and-set parameter did not match the current version");
            }
            long version = meta.currentVersion() + 1;
            long deleteAfter = meta.deleteAfterSeconds() > 0 ? meta.deleteAfterSeconds() : mountDeleteAfter;
            KvRows.Version v = new KvRows.Version(version, barrier.encrypt(plain, aad(mount, key, version)), now,
                    deleteAfter > 0 ? now.plusSeconds(deleteAfter) : null, false);
            KvRows.insertVersion(c, mount.uuid(), key, v);
            int max = meta.maxVersions() > 0 ? meta.maxVersions() : mountMax > 0 ? mountMax : DEFAULT_MAX_VERSIONS;
            long oldest = Math.max(meta.oldestVersion() == 0 ? 1 : meta.oldestVersion(), version - max + 1);
            if (version - max + 1 > 1) {
                KvRows.prune(c, mount.uuid(), key, oldest);
            }
            KvRows.updateMeta(c, mount.uuid(), key, meta.withCurrent(version, oldest, now));
            return new KvRows.Read(meta, v);
        });
        java.util.Arrays.fill(plain, (byte) 0);
        changes.secretChanged(mount.path() + key, written.version().version(), "write");
        return Reply.data(versionMetadata(written.version(), written.meta().customMetadata()));
    }

    static ObjectNode versionMetadata(KvRows.Version v, Map<String, String> custom) {
        ObjectNode m = VaultJson.object();
        m.put("created_time", VaultJson.time(v.createdAt()));
        if (custom == null || custom.isEmpty()) {
            m.putNull("custom_metadata");
        } else {
            ObjectNode cm = m.putObject("custom_metadata");
            custom.forEach(cm::put);
        }
        m.put("deletion_time", VaultJson.time(v.deletedAt()));
        m.put("destroyed", v.destroyed());
        m.put("version", v.version());
        return m;
    }

    private Reply config(Mount mount, Call call) {
        if (call.op() == Operation.READ) {
            ObjectNode data = VaultJson.object();
            data.put("cas_required", mount.options().path("cas_required").asBoolean(false));
            data.put("delete_version_after", mount.options().path("delete_version_after_seconds").asLong(0) + "s");
            int max = mount.options().path("max_versions").asInt(0);
            data.put("max_versions", max);
            return Reply.data(data);
        }
        if (call.op() != Operation.WRITE) {
            throw VaultError.unsupported(call.op().name(), call.path());
        }
        ObjectNode options = mount.options().deepCopy();
        ObjectNode body = call.body();
        if (body.has("max_versions")) {
            options.put("max_versions", (int) VaultJson.integer(body, "max_versions", 0));
        }
        if (body.has("cas_required")) {
            options.put("cas_required", VaultJson.bool(body, "cas_required", false));
        }
        if (body.has("delete_version_after")) {
            options.put("delete_version_after_seconds", Ttl.field(body, "delete_version_after",
                    java.time.Duration.ZERO).toSeconds());
        }
        mounts.updateOptions(mount.path(), options);
        return Reply.noContent();
    }

    static long parseVersion(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw VaultError.badRequest("version must not be negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw VaultError.badRequest("version must be an integer");
        }
    }

    static List<Long> versionsOf(ObjectNode body) {
        JsonNode n = body.get("versions");
        List<Long> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            throw VaultError.badRequest("no version number provided");
        }
        if (n.isArray()) {
            for (JsonNode v : n) {
                out.add(v.isNumber() ? v.asLong() : parseVersion(v.asText()));
            }
        } else {
            for (String part : n.asText().split(",")) {
                out.add(parseVersion(part.strip()));
            }
        }
        if (out.isEmpty()) {
            throw VaultError.badRequest("no version number provided");
        }
        return out;
    }

    static byte[] aad(Mount mount, String key, long version) {
        return ("aegis/secrets/kv/v1/" + mount.uuid() + "/" + version + "/" + key).getBytes(StandardCharsets.UTF_8);
    }

    private static void checkKey(String key) {
        if (key.endsWith("/") || key.contains("//") || key.length() > 512) {
            throw VaultError.badRequest("invalid key path");
        }
    }
}
