package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.secrets.api.SealType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Vault's {@code sys/} endpoints: seal status, init, unseal, seal, health; mounts and auth methods; the UI mount
 * lookup clients use to detect KV v2; ACL policies; capabilities; keyring rotation and rewrap. Leases and audit
 * hashing are in {@link SysLeaseApi}.
 */
final class SysApi {
    private static final String VERSION = "1.15.0+aegis";

    private final Barrier barrier;
    private final ShamirUnseal shamir;
    private final Mounts mounts;
    private final PolicyStore policies;
    private final TokenStore tokens;
    private final SysLeaseApi leases;
    private final SealType sealType;
    private final Map<String, MountedEngine> engines;

    SysApi(Barrier barrier, ShamirUnseal shamir, Mounts mounts, PolicyStore policies, TokenStore tokens,
           SysLeaseApi leases, SealType sealType, Map<String, MountedEngine> engines) {
        this.barrier = barrier;
        this.shamir = shamir;
        this.mounts = mounts;
        this.policies = policies;
        this.tokens = tokens;
        this.leases = leases;
        this.sealType = sealType;
        this.engines = engines;
    }

    static boolean isUnauthenticated(String path) {
        return switch (path) {
            case "sys/seal-status", "sys/init", "sys/unseal", "sys/health", "sys/leader" -> true;
            default -> false;
        };
    }

    Reply unauthenticated(Call call) {
        return switch (call.path()) {
            case "sys/seal-status" -> Reply.raw(sealStatus());
            case "sys/init" -> call.op() == Operation.WRITE ? init(call.body()) : initialized();
            case "sys/unseal" -> unseal(call.body());
            case "sys/leader" -> leader();
            default -> health();
        };
    }

    ObjectNode sealStatus() {
        KeyringRows.SealRow row = barrier.sealConfig();
        ObjectNode o = VaultJson.object();
        o.put("type", row == null ? (sealType == SealType.FILE ? "aegis-root-key-file" : "shamir")
                : "file".equals(row.type()) ? "aegis-root-key-file" : "shamir");
        o.put("initialized", row != null);
        o.put("sealed", barrier.sealed());
        o.put("t", row == null ? 0 : row.threshold());
        o.put("n", row == null ? 0 : row.shares());
        o.put("progress", shamir.progress());
        o.put("nonce", shamir.nonce());
        o.put("version", VERSION);
        o.put("build_date", "");
        o.put("migration", false);
        o.put("recovery_seal", false);
        o.put("storage_type", "aegis-store");
        if (!barrier.sealed()) {
            o.put("cluster_name", "aegis");
            o.put("cluster_id", "aegis");
        }
        return o;
    }

    private Reply initialized() {
        ObjectNode o = VaultJson.object();
        o.put("initialized", barrier.initialized());
        return Reply.raw(o);
    }

    private Reply init(ObjectNode body) {
        if (sealType != SealType.SHAMIR) {
            throw VaultError.badRequest("this node unseals from its root key file; sys/init is for the shamir seal");
        }
        if (barrier.initialized()) {
            throw VaultError.badRequest("Vault is already initialized");
        }
        int shares = (int) VaultJson.integer(body, "secret_shares", 5);
        int threshold = (int) VaultJson.integer(body, "secret_threshold", 3);
        ShamirUnseal.Split split = ShamirUnseal.split(shares, threshold);
        if (!barrier.initialize("shamir", shares, threshold, split.rootKey())) {
            throw VaultError.badRequest("Vault is already initialized");
        }
        String rootToken = issueRootToken(split.rootKey());
        ObjectNode o = VaultJson.object();
        ArrayNode hex = o.putArray("keys");
        ArrayNode b64 = o.putArray("keys_base64");
        for (byte[] share : split.shares()) {
            hex.add(ShamirUnseal.hex(share));
            b64.add(ShamirUnseal.base64(share));
            java.util.Arrays.fill(share, (byte) 0);
        }
        o.put("root_token", rootToken);
        return Reply.raw(o);
    }

    /** Opens the barrier just long enough to store the initial root token's HMAC, then seals it again. */
    String issueRootToken(SecretBytes rootKey) {
        barrier.unseal(rootKey);
        try {
            mountDefaults();
            return tokens.create(null, List.of("root"), Map.of(), "root", "auth/token/root", Duration.ZERO,
                    Duration.ZERO, false, 0, List.of()).token();
        } finally {
            if (sealType == SealType.SHAMIR) {
                barrier.seal();
            }
        }
    }

    /** A fresh installation gets KV v2 at {@code secret/}, as Vault's dev server does. */
    void mountDefaults() {
        if (mounts.find("secret/", "secret") == null) {
            ObjectNode options = VaultJson.object();
            options.put("version", "2");
            mounts.mount("secret/", "secret", "kv", "key/value secret storage", options);
        }
    }

    private Reply unseal(ObjectNode body) {
        KeyringRows.SealRow row = barrier.sealConfig();
        if (row == null) {
            throw VaultError.badRequest("Vault is not initialized");
        }
        if (VaultJson.bool(body, "reset", false)) {
            shamir.reset();
            return Reply.raw(sealStatus());
        }
        if (!barrier.sealed()) {
            return Reply.raw(sealStatus());
        }
        if (!"shamir".equals(row.type())) {
            throw VaultError.badRequest("this node unseals from its root key file");
        }
        String key = VaultJson.requiredText(body, "key");
        ShamirUnseal.Progress progress = shamir.submit(key, row.shares(), row.threshold());
        if (progress instanceof ShamirUnseal.Complete complete) {
            barrier.unseal(complete.rootKey());
        }
        return Reply.raw(sealStatus());
    }

    private Reply health() {
        ObjectNode o = VaultJson.object();
        o.put("initialized", barrier.initialized());
        o.put("sealed", barrier.sealed());
        o.put("standby", false);
        o.put("performance_standby", false);
        o.put("replication_performance_mode", "disabled");
        o.put("replication_dr_mode", "disabled");
        o.put("server_time_utc", System.currentTimeMillis() / 1000);
        o.put("version", VERSION);
        o.put("cluster_name", "aegis");
        int status = !barrier.initialized() ? 501 : barrier.sealed() ? 503 : 200;
        return new Reply(status, o);
    }

    private Reply leader() {
        ObjectNode o = VaultJson.object();
        o.put("ha_enabled", false);
        o.put("is_self", true);
        o.put("leader_address", "");
        return Reply.raw(o);
    }

    /** Authenticated {@code sys/...}; {@code call.rest()} is the path after {@code sys/}. */
    Reply handle(Call call) {
        String rest = call.rest();
        if (rest.equals("seal")) {
            barrier.seal();
            return Reply.noContent();
        }
        if (rest.equals("mounts") || rest.startsWith("mounts/")) {
            return mountsApi(call, rest.equals("mounts") ? null : rest.substring(7), "secret");
        }
        if (rest.equals("auth") || rest.startsWith("auth/")) {
            return mountsApi(call, rest.equals("auth") ? null : "auth/" + rest.substring(5), "auth");
        }
        if (rest.startsWith("internal/ui/mounts/")) {
            return uiMount(rest.substring("internal/ui/mounts/".length()));
        }
        if (rest.equals("policy") || rest.equals("policies/acl")) {
            return rest.equals("policy") && call.op() == Operation.READ ? policyList() : Reply.keys(policies.names());
        }
        if (rest.startsWith("policy/") || rest.startsWith("policies/acl/")) {
            return policy(call, rest.substring(rest.lastIndexOf('/') + 1), rest.startsWith("policy/"));
        }
        if (rest.equals("capabilities-self") || rest.equals("capabilities")) {
            return capabilities(call);
        }
        if (rest.equals("rotate") && call.op() == Operation.WRITE) {
            barrier.rotate();
            return Reply.noContent();
        }
        if (rest.equals("key-status")) {
            List<KeyringRows.KeyRow> keys = barrier.keyStatus();
            ObjectNode d = VaultJson.object();
            d.put("term", keys.getLast().generation());
            d.put("install_time", VaultJson.time(keys.getLast().createdAt()));
            d.put("encryptions", 0);
            return Reply.data(d);
        }
        if (rest.equals("rewrap") && call.op() == Operation.WRITE) {
            ObjectNode d = VaultJson.object();
            d.put("rewrapped", barrier.rewrapAll());
            d.put("primary", barrier.primaryKeyId());
            return Reply.data(d);
        }
        return leases.handle(call);
    }

    private Reply mountsApi(Call call, String path, String kind) {
        if (path == null) {
            ObjectNode all = VaultJson.object();
            for (Mount m : mounts.all()) {
                if (m.kind().equals(kind)) {
                    all.set("auth".equals(kind) ? m.path().substring(5) : m.path(), describe(m));
                }
            }
            if ("auth".equals(kind)) {
                ObjectNode token = all.putObject("token/");
                token.put("type", "token");
                token.put("description", "token based credentials");
                token.put("accessor", "auth_token_aegis");
            }
            ObjectNode body = all.deepCopy();
            body.set("data", all);
            return Reply.raw(body);
        }
        String p = Mounts.normalise(path);
        switch (call.op()) {
            case WRITE -> {
                String type = VaultJson.requiredText(call.body(), "type");
                JsonNode opts = call.body().get("options");
                ObjectNode options = opts != null && opts.isObject() ? ((ObjectNode) opts).deepCopy() : VaultJson.object();
                if (!mounts.mount(p, kind, type, VaultJson.text(call.body(), "description", ""), options)) {
                    throw VaultError.badRequest("path is already in use at " + p);
                }
                return Reply.noContent();
            }
            case DELETE -> {
                Mount m = mounts.find(p, kind);
                if (m != null && m.path().equals(p) && mounts.unmount(p)) {
                    MountedEngine e = engines.get(m.engine());
                    if (e != null) {
                        e.unmounted(m);
                    }
                }
                return Reply.noContent();
            }
            case READ -> {
                Mount m = mounts.find(p, kind);
                if (m == null || !m.path().equals(p)) {
                    throw VaultError.notFound();
                }
                return Reply.data(describe(m));
            }
            default -> throw VaultError.unsupported(call.op().name(), call.path());
        }
    }

    static ObjectNode describe(Mount m) {
        ObjectNode o = VaultJson.object();
        o.put("accessor", m.accessor());
        ObjectNode config = o.putObject("config");
        config.put("default_lease_ttl", 0);
        config.put("max_lease_ttl", 0);
        config.put("force_no_cache", false);
        o.put("description", m.description());
        o.put("external_entropy_access", false);
        o.put("local", false);
        o.set("options", "kv".equals(m.engine()) ? m.options() : null);
        o.put("seal_wrap", false);
        o.put("type", m.vaultType());
        o.put("uuid", m.uuid());
        return o;
    }

    private Reply uiMount(String path) {
        Mount m = mounts.find(path.endsWith("/") ? path : path + "/", "secret");
        if (m == null) {
            m = mounts.find(path, "secret");
        }
        if (m == null) {
            throw new VaultError(400, "preflight capability check returned 403, please ensure client's policies grant"
                    + " access to path \"" + path + "/\"");
        }
        ObjectNode d = describe(m);
        d.put("path", m.path());
        return Reply.data(d);
    }

    private Reply policyList() {
        ObjectNode o = VaultJson.object();
        ArrayNode names = o.putArray("policies");
        for (String n : policies.names()) {
            names.add(n);
        }
        ObjectNode body = o.deepCopy();
        body.set("data", o);
        return Reply.raw(body);
    }

    private Reply policy(Call call, String name, boolean legacy) {
        switch (call.op()) {
            case READ -> {
                String doc = policies.read(name);
                if (doc == null) {
                    throw VaultError.notFound();
                }
                ObjectNode d = VaultJson.object();
                d.put("name", name);
                d.put(legacy ? "rules" : "policy", doc);
                if (legacy) {
                    ObjectNode body = d.deepCopy();
                    body.set("data", d);
                    return Reply.raw(body);
                }
                return Reply.data(d);
            }
            case WRITE -> {
                String doc = VaultJson.text(call.body(), "policy", VaultJson.text(call.body(), "rules", null));
                if (doc == null) {
                    throw VaultError.badRequest("'policy' parameter not supplied or empty");
                }
                policies.write(name, doc);
                return Reply.noContent();
            }
            case DELETE -> {
                policies.delete(name);
                return Reply.noContent();
            }
            default -> throw VaultError.unsupported(call.op().name(), call.path());
        }
    }

    private Reply capabilities(Call call) {
        List<String> paths = VaultJson.strings(call.body(), "paths");
        if (paths.isEmpty()) {
            paths = VaultJson.strings(call.body(), "path");
        }
        TokenEntry subject = call.token();
        String other = VaultJson.text(call.body(), "token", null);
        if (other != null && call.rest().equals("capabilities")) {
            subject = tokens.lookup(other);
            if (subject == null) {
                throw VaultError.badRequest("invalid token");
            }
        }
        Acl acl = policies.acl(subject.policies());
        ObjectNode d = VaultJson.object();
        for (String p : paths) {
            ArrayNode caps = d.putArray(p);
            int bits = acl.capabilities(VaultRouter.cleanPath(p));
            if (acl.isRoot()) {
                caps.add("root");
            } else if (bits == 0) {
                caps.add("deny");
            } else {
                for (Capability c : Capability.values()) {
                    if ((bits & Capability.bit(c)) != 0) {
                        caps.add(c.name().toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
        if (paths.size() == 1) {
            d.set("capabilities", d.get(paths.getFirst()).deepCopy());
        }
        ObjectNode body = d.deepCopy();
        body.set("data", d);
        return Reply.raw(body);
    }
}
