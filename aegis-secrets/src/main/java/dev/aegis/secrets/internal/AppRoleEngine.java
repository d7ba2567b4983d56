package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The AppRole auth method at Vault's paths: {@code role/<name>} (with {@code token_policies}, {@code token_ttl},
 * {@code token_max_ttl}, {@code secret_id_ttl}, {@code secret_id_num_uses}, {@code secret_id_bound_cidrs},
 * {@code token_bound_cidrs}), {@code role/<name>/role-id}, {@code role/<name>/secret-id} and {@code login}.
 * Secret IDs are stored only as HMAC-SHA256; a failed login says only "invalid role or secret ID".
 */
final class AppRoleEngine implements MountedEngine {
    private static final String INVALID = "invalid role or secret ID";

    private final Store store;
    private final Barrier barrier;
    private final TokenStore tokens;
    private final TokenApi tokenApi;
    private final Clock clock;

    AppRoleEngine(Store store, Barrier barrier, TokenStore tokens, TokenApi tokenApi, Clock clock) {
        this.store = store;
        this.barrier = barrier;
        this.tokens = tokens;
        this.tokenApi = tokenApi;
        this.clock = clock;
    }

    @Override
    public Reply handle(Mount mount, Call call) {
        String rest = call.rest();
        if (rest.equals("login") && call.op() == Operation.WRITE) {
            return login(mount, call);
        }
        if (rest.equals("role") && call.op() == Operation.LIST) {
            return Reply.keys(roleNames(mount));
        }
        String[] parts = rest.split("/");
        if (parts.length < 2 || !"role".equals(parts[0])) {
            throw VaultError.notFound();
        }
        String name = PolicyStore.checkName(parts[1]);
        if (parts.length == 2) {
            return switch (call.op()) {
                case WRITE -> writeRole(mount, name, call.body());
                case READ -> Reply.data(requireRole(mount, name).settings());
                case DELETE -> deleteRole(mount, name);
                default -> throw VaultError.unsupported(call.op().name(), call.path());
            };
        }
        if (parts.length == 3 && "role-id".equals(parts[2]) && call.op() == Operation.READ) {
            ObjectNode d = VaultJson.object();
            d.put("role_id", requireRole(mount, name).roleId());
            return Reply.data(d);
        }
        if (parts.length == 3 && "secret-id".equals(parts[2]) && call.op() == Operation.WRITE) {
            return newSecretId(mount, requireRole(mount, name), call.body());
        }
        throw VaultError.notFound();
    }

    private record Role(String name, String roleId, ObjectNode settings) {
    }

    private Reply writeRole(Mount mount, String name, ObjectNode body) {
        Role existing = loadRole(mount, name);
        ObjectNode s = existing == null ? VaultJson.object() : existing.settings().deepCopy();
        List<String> policies = VaultJson.strings(body, "token_policies");
        if (policies.isEmpty()) {
            policies = VaultJson.strings(body, "policies");
        }
        if (!policies.isEmpty() || existing == null) {
            ArrayNode p = s.putArray("token_policies");
            for (String n : policies) {
                p.add(PolicyStore.checkName(n));
            }
        }
        for (String ttl : new String[] {"token_ttl", "token_max_ttl", "secret_id_ttl"}) {
            if (body.has(ttl) || existing == null) {
                s.put(ttl, Ttl.field(body, ttl, Duration.ZERO).toSeconds());
            }
        }
        for (String n : new String[] {"secret_id_num_uses", "token_num_uses"}) {
            if (body.has(n) || existing == null) {
                long v = VaultJson.integer(body, n, 0);
                if (v < 0) {
                    throw VaultError.badRequest(n + " cannot be negative");
                }
                s.put(n, v);
            }
        }
        for (String cidrs : new String[] {"secret_id_bound_cidrs", "token_bound_cidrs"}) {
            if (body.has(cidrs) || existing == null) {
                List<String> blocks = VaultJson.strings(body, cidrs);
                Cidr.parseAll(blocks);
                ArrayNode a = s.putArray(cidrs);
                blocks.forEach(a::add);
            }
        }
        s.put("bind_secret_id", VaultJson.bool(body, "bind_secret_id", s.path("bind_secret_id").asBoolean(true)));
        String roleId = existing != null ? existing.roleId() : VaultJson.text(body, "role_id", UUID.randomUUID().toString());
        Instant now = clock.instant();
        store.inTransaction(c -> {
            String sql = existing == null
                    ? "INSERT INTO secrets_approle_roles (settings, created_at, role_id, mount_uuid, name) VALUES (?, ?, ?, ?, ?)"
                    : "UPDATE secrets_approle_roles SET settings = ?, created_at = ?, role_id = ? WHERE mount_uuid = ? AND name = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, VaultJson.write(s));
                SqlValues.bind(ps, 2, now);
                ps.setString(3, roleId);
                ps.setString(4, mount.uuid());
                ps.setString(5, name);
                return ps.executeUpdate();
            }
        });
        return Reply.noContent();
    }

    private Reply deleteRole(Mount mount, String name) {
        store.inTransaction(c -> {
            for (String t : new String[] {"secrets_approle_secret_ids", "secrets_approle_roles"}) {
                String col = t.endsWith("roles") ? "name" : "role_name";
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE mount_uuid = ? AND " + col + " = ?")) {
                    ps.setString(1, mount.uuid());
                    ps.setString(2, name);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        return Reply.noContent();
    }

    private Reply newSecretId(Mount mount, Role role, ObjectNode body) {
        String secretId = UUID.randomUUID() + "-" + SecureIds.token(16);
        String accessor = UUID.randomUUID().toString();
        List<String> cidrs = VaultJson.strings(body, "cidr_list");
        Cidr.parseAll(cidrs);
        long ttl = role.settings().path("secret_id_ttl").asLong(0);
        long uses = role.settings().path("secret_id_num_uses").asLong(0);
        Instant now = clock.instant();
        String metadata = body.has("metadata") ? VaultJson.text(body, "metadata", "{}") : "{}";
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_approle_secret_ids (secret_id_hash,"
                    + " mount_uuid, role_name, accessor, uses_left, cidr_list, metadata, created_at, expires_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, barrier.tokenHash(secretId));
                ps.setString(2, mount.uuid());
                ps.setString(3, role.name());
                ps.setString(4, accessor);
                ps.setInt(5, (int) uses);
                ps.setString(6, String.join(",", cidrs));
                ps.setString(7, metadata.length() > 8000 ? "{}" : metadata);
                SqlValues.bind(ps, 8, now);
                SqlValues.bind(ps, 9, ttl > 0 ? now.plusSeconds(ttl) : null);
                return ps.executeUpdate();
            }
        });
        ObjectNode d = VaultJson.object();
        d.put("secret_id", secretId);
        d.put("secret_id_accessor", accessor);
        d.put("secret_id_ttl", ttl);
        d.put("secret_id_num_uses", uses);
        return Reply.data(d);
    }

    private Reply login(Mount mount, Call call) {
        String roleId = VaultJson.requiredText(call.body(), "role_id");
        Role role = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, role_id, settings FROM secrets_approle_roles"
                    + " WHERE mount_uuid = ? AND role_id = ?")) {
                ps.setString(1, mount.uuid());
                ps.setString(2, roleId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Role(rs.getString(1), rs.getString(2), parse(rs.getString(3))) : null;
                }
            }
        });
        if (role == null) {
            throw VaultError.badRequest(INVALID);
        }
        ObjectNode s = role.settings();
        if (!Cidr.anyContains(Cidr.parseAll(strings(s, "secret_id_bound_cidrs")), call.remoteAddress())) {
            throw VaultError.badRequest(INVALID);
        }
        if (s.path("bind_secret_id").asBoolean(true)) {
            consumeSecretId(mount, role, VaultJson.text(call.body(), "secret_id", ""), call.remoteAddress());
        }
        List<String> policies = new ArrayList<>(strings(s, "token_policies"));
        if (!policies.contains("default")) {
            policies.add("default");
        }
        TokenStore.Issued issued = tokens.create(null, policies, Map.of("role_name", role.name()),
                "approle", "auth/approle/login", Duration.ofSeconds(s.path("token_ttl").asLong(0)),
                Duration.ofSeconds(s.path("token_max_ttl").asLong(0)), true, s.path("token_num_uses").asInt(0),
                strings(s, "token_bound_cidrs"));
        return tokenApi.auth(issued.entry(), issued.token());
    }

    /** Checks and spends one use of a secret ID, in one transaction (a limited secret ID cannot be raced). */
    private void consumeSecretId(Mount mount, Role role, String secretId, String remote) {
        if (secretId.isEmpty() || secretId.length() > 256) {
            throw VaultError.badRequest(INVALID);
        }
        String hash = barrier.tokenHash(secretId);
        Instant now = clock.instant();
        boolean ok = store.inTransaction(c -> {
            int uses;
            String cidrs;
            Instant expires;
            try (PreparedStatement ps = c.prepareStatement("SELECT uses_left, cidr_list, expires_at FROM"
                    + " secrets_approle_secret_ids WHERE secret_id_hash = ? AND mount_uuid = ? AND role_name = ? FOR UPDATE")) {
                ps.setString(1, hash);
                ps.setString(2, mount.uuid());
                ps.setString(3, role.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    uses = rs.getInt(1);
                    cidrs = rs.getString(2);
                    expires = SqlValues.instant(rs, 3);
                }
            }
            boolean expired = expires != null && !now.isBefore(expires);
            if (expired || uses == 1) {
                try (PreparedStatement del = c.prepareStatement(
                        "DELETE FROM secrets_approle_secret_ids WHERE secret_id_hash = ?")) {
                    del.setString(1, hash);
                    del.executeUpdate();
                }
            } else if (uses > 1) {
                try (PreparedStatement up = c.prepareStatement(
                        "UPDATE secrets_approle_secret_ids SET uses_left = uses_left - 1 WHERE secret_id_hash = ?")) {
                    up.setString(1, hash);
                    up.executeUpdate();
                }
            }
            return !expired && Cidr.anyContains(Cidr.parseAll(TokenStore.split(cidrs)), remote);
        });
        if (!ok) {
            throw VaultError.badRequest(INVALID);
        }
    }

    private List<String> roleNames(Mount mount) {
        return SqlValues.namesOf(store, "secrets_approle_roles", mount);
    }

    private Role requireRole(Mount mount, String name) {
        Role r = loadRole(mount, name);
        if (r == null) {
            throw VaultError.badRequest("role " + name + " does not exist");
        }
        return r;
    }

    private Role loadRole(Mount mount, String name) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, role_id, settings FROM secrets_approle_roles WHERE mount_uuid = ? AND name = ?")) {
                ps.setString(1, mount.uuid());
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Role(rs.getString(1), rs.getString(2), parse(rs.getString(3))) : null;
                }
            }
        });
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) VaultJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored AppRole settings are malformed", e);
        }
    }

    private static List<String> strings(ObjectNode s, String field) {
        List<String> out = new ArrayList<>();
        s.path(field).forEach(n -> out.add(n.asText()));
        return out;
    }
}
