package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The database secrets engine for PostgreSQL at Vault's paths: {@code config/<name>} (connection URL, user,
 * password, allowed roles; the configuration is sealed in the barrier and the password is never returned),
 * {@code roles/<name>} (creation and revocation statements with {@code {{name}}}, {@code {{password}}},
 * {@code {{expiration}}}, default and max TTL) and {@code creds/<role>}: a new user on every read, under a lease;
 * when the lease expires or is revoked, the user's sessions are ended and the user is dropped.
 */
final class DatabaseEngine implements MountedEngine {
    private static final String PLUGIN = "postgresql-database-plugin";
    private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssX").withZone(ZoneOffset.UTC);
    /** Ends the user's sessions, hands over what it owns, drops it; safe to run twice. */
    static final String DEFAULT_REVOCATION = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';"
            + " DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{{name}}') THEN"
            + " EXECUTE 'REASSIGN OWNED BY \"{{name}}\" TO CURRENT_USER'; EXECUTE 'DROP OWNED BY \"{{name}}\"';"
            + " EXECUTE 'DROP ROLE \"{{name}}\"'; END IF; END $$;";
    /** Moves the user's expiry with its lease. */
    static final String DEFAULT_RENEW = "ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';";

    private final Store store;
    private final Barrier barrier;
    private final LeaseStore leases;
    private final Clock clock;
    private final Duration maxTtl;
    private final DatabaseRootRotation rotation;

    DatabaseEngine(Store store, Barrier barrier, LeaseStore leases, Clock clock, Duration maxTtl) {
        this.store = store;
        this.barrier = barrier;
        this.leases = leases;
        this.clock = clock;
        this.maxTtl = maxTtl;
        this.rotation = new DatabaseRootRotation(store, barrier, clock);
    }

    @Override
    public Reply handle(Mount mount, Call call) {
        String[] parts = call.rest().split("/");
        if (parts.length == 1 && call.op() == Operation.LIST && ("config".equals(parts[0]) || "roles".equals(parts[0]))) {
            return Reply.keys(SqlValues.namesOf(store, "config".equals(parts[0]) ? "secrets_db_connections" : "secrets_db_roles", mount));
        }
        if (parts.length != 2) {
            throw VaultError.notFound();
        }
        String name = PolicyStore.checkName(parts[1]);
        if ("rotate-root".equals(parts[0]) && call.op() == Operation.WRITE) {
            return rotateRoot(mount, name);
        }
        return switch (parts[0]) {
            case "config" -> config(mount, name, call);
            case "roles" -> role(mount, name, call);
            case "creds" -> {
                if (call.op() != Operation.READ) {
                    throw VaultError.unsupported(call.op().name(), call.path());
                }
                yield creds(mount, name, call);
            }
            default -> throw VaultError.notFound();
        };
    }

    private Reply config(Mount mount, String name, Call call) {
        switch (call.op()) {
            case WRITE -> {
                ObjectNode b = call.body();
                String plugin = VaultJson.text(b, "plugin_name", PLUGIN);
                if (!PLUGIN.equals(plugin)) {
                    throw VaultError.badRequest("unsupported plugin_name " + plugin + " (supported: " + PLUGIN + ")");
                }
                ObjectNode cfg = VaultJson.object();
                cfg.put("connection_url", VaultJson.requiredText(b, "connection_url"));
                cfg.put("username", VaultJson.text(b, "username", ""));
                cfg.put("password", VaultJson.text(b, "password", ""));
                cfg.put("rotation_period", Ttl.field(b, "rotation_period", Duration.ZERO).toSeconds());
                List<String> allowed = VaultJson.strings(b, "allowed_roles");
                if (VaultJson.bool(b, "verify_connection", true)) {
                    try (Connection c = PostgresTarget.connect(cfg)) {
                        c.isValid(5);
                    } catch (SQLException e) {
                        throw VaultError.badRequest("error verifying connection: " + e.getSQLState());
                    }
                }
                byte[] sealed = barrier.encrypt(VaultJson.write(cfg).getBytes(StandardCharsets.UTF_8), aad(mount, name));
                store.inTransaction(c -> {
                    delete(c, "secrets_db_connections", mount, name);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_db_connections (mount_uuid, name,"
                            + " plugin_name, config, allowed_roles, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                        ps.setString(1, mount.uuid());
                        ps.setString(2, name);
                        ps.setString(3, plugin);
                        ps.setBytes(4, sealed);
                        ps.setString(5, String.join(",", allowed));
                        SqlValues.bind(ps, 6, clock.instant());
                        return ps.executeUpdate();
                    }
                });
                return Reply.noContent();
            }
            case READ -> {
                ObjectNode cfg = connection(mount, name);
                ObjectNode d = VaultJson.object();
                d.put("plugin_name", PLUGIN);
                ObjectNode details = d.putObject("connection_details");
                details.put("connection_url", cfg.path("connection_url").asText());
                details.put("username", cfg.path("username").asText());
                ArrayNode roles = d.putArray("allowed_roles");
                cfg.path("allowed_roles").forEach(roles::add);
                return Reply.data(d);
            }
            case DELETE -> {
                store.inTransaction(c -> delete(c, "secrets_db_connections", mount, name));
                return Reply.noContent();
            }
            default -> throw VaultError.unsupported(call.op().name(), call.path());
        }
    }

    private Reply role(Mount mount, String name, Call call) {
        switch (call.op()) {
            case WRITE -> {
                ObjectNode b = call.body();
                String db = VaultJson.requiredText(b, "db_name");
                List<String> creation = VaultJson.strings(b, "creation_statements");
                if (creation.isEmpty()) {
                    throw VaultError.badRequest("creation_statements are required");
                }
                ObjectNode st = VaultJson.object();
                creation.forEach(st.putArray("creation_statements")::add);
                VaultJson.strings(b, "revocation_statements").forEach(st.putArray("revocation_statements")::add);
                VaultJson.strings(b, "renew_statements").forEach(st.putArray("renew_statements")::add);
                long ttl = Ttl.field(b, "default_ttl", Duration.ofHours(1)).toSeconds();
                long max = Ttl.field(b, "max_ttl", Duration.ofHours(24)).toSeconds();
                store.inTransaction(c -> {
                    delete(c, "secrets_db_roles", mount, name);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_db_roles (mount_uuid, name, db_name,"
                            + " statements, default_ttl_seconds, max_ttl_seconds, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                        ps.setString(1, mount.uuid());
                        ps.setString(2, name);
                        ps.setString(3, db);
                        ps.setString(4, VaultJson.write(st));
                        ps.setLong(5, ttl);
                        ps.setLong(6, max);
                        SqlValues.bind(ps, 7, clock.instant());
                        return ps.executeUpdate();
                    }
                });
                return Reply.noContent();
            }
            case READ -> {
                return Reply.data(loadRole(mount, name));
            }
            case DELETE -> {
                store.inTransaction(c -> delete(c, "secrets_db_roles", mount, name));
                return Reply.noContent();
            }
            default -> throw VaultError.unsupported(call.op().name(), call.path());
        }
    }

    private Reply creds(Mount mount, String roleName, Call call) {
        ObjectNode role = loadRole(mount, roleName);
        String db = role.path("db_name").asText();
        ObjectNode cfg = connection(mount, db);
        List<String> allowed = TokenStore.split(cfg.path("allowed_roles_csv").asText(""));
        if (!allowed.isEmpty() && !allowed.contains("*") && !allowed.contains(roleName)) {
            throw VaultError.badRequest("\"" + roleName + "\" is not an allowed role");
        }
        Duration ttl = Duration.ofSeconds(role.path("default_ttl").asLong());
        Duration max = Duration.ofSeconds(Math.min(role.path("max_ttl").asLong(), maxTtl.toSeconds()));
        if (ttl.compareTo(max) > 0) {
            ttl = max;
        }
        String user = ("v-" + roleName + "-" + SecureIds.token(9)).toLowerCase(java.util.Locale.ROOT)
                .replace('_', 'x').replace('-', 'x').replaceFirst("^vx", "v-");
        user = user.length() > 63 ? user.substring(0, 63) : user;
        String password = "A1a-" + SecureIds.token(24).replace('-', 'x').replace('_', 'y');
        // The user is valid as long as its lease: renewals move VALID UNTIL with the lease (renew()).
        Instant expiry = clock.instant().plus(ttl);
        try (Connection c = PostgresTarget.connect(cfg); Statement s = c.createStatement()) {
            for (JsonNode stmt : role.path("creation_statements")) {
                s.execute(stmt.asText().replace("{{name}}", user).replace("{{username}}", user)
                        .replace("{{password}}", password).replace("{{expiration}}", PG_TIME.format(expiry)));
            }
        } catch (SQLException e) {
            throw VaultError.badRequest("error creating the database user (SQLState " + e.getSQLState() + ")");
        }
        ObjectNode revoke = VaultJson.object();
        revoke.put("mount", mount.uuid());
        revoke.put("db", db);
        revoke.put("username", user);
        revoke.set("revocation_statements", role.path("revocation_statements"));
        revoke.set("renew_statements", role.path("renew_statements"));
        LeaseStore.Lease lease = leases.create(mount.path() + "creds/" + roleName, call.accessor(), "database", ttl,
                max, true, revoke);
        ObjectNode body = VaultJson.envelope(null);
        body.put("lease_id", lease.id());
        body.put("renewable", true);
        body.put("lease_duration", ttl.toSeconds());
        ObjectNode data = body.putObject("data");
        data.put("username", user);
        data.put("password", password);
        return Reply.raw(body);
    }

    /**
     * {@code rotate-root/<name>}: gives the connection's own database user a new random password that only Aegis
     * knows (Vault's root credential rotation). Runs under the connection row's lock, so two nodes never rotate at
     * once (which would leave PostgreSQL and the stored password disagreeing); PostgreSQL is changed first, the
     * sealed configuration in the same locked transaction.
     */
    private Reply rotateRoot(Mount mount, String name) {
        if (!rotation.rotate(mount.uuid(), name, null)) {
            throw VaultError.badRequest("database connection \"" + name + "\" is not configured");
        }
        return Reply.noContent();
    }

    /** Scheduled root rotation, delegated (see {@link DatabaseRootRotation#rotateDue}). */
    int rotateDue() {
        return rotation.rotateDue();
    }

    /**
     * The lease renewer: moves the user's {@code VALID UNTIL} to the lease's new expiry with the role's
     * {@code renew_statements}, by default {@value #DEFAULT_RENEW} (Vault's default for PostgreSQL).
     */
    void renew(ObjectNode data, Instant expiresAt) {
        String user = data.path("username").asText();
        if (!PostgresTarget.isSafeName(user)) {
            throw new IllegalStateException("refusing to renew a malformed database user name");
        }
        ObjectNode cfg = connection(new Mount("", "secret", "database", "", data.path("mount").asText(), "",
                VaultJson.object(), null), data.path("db").asText());
        JsonNode custom = data.path("renew_statements");
        String expiration = PG_TIME.format(expiresAt);
        try (Connection c = PostgresTarget.connect(cfg); Statement s = c.createStatement()) {
            if (custom.isArray() && !custom.isEmpty()) {
                for (JsonNode stmt : custom) {
                    s.execute(stmt.asText().replace("{{name}}", user).replace("{{username}}", user)
                            .replace("{{expiration}}", expiration));
                }
            } else {
                s.execute(DEFAULT_RENEW.replace("{{name}}", user).replace("{{expiration}}", expiration));
            }
        } catch (SQLException e) {
            throw VaultError.badRequest("error renewing the database user (SQLState " + e.getSQLState() + ")");
        }
    }

    /** The lease revoker: drops the user (idempotent). */
    void revoke(ObjectNode data) {
        String user = data.path("username").asText();
        if (!PostgresTarget.isSafeName(user)) {
            throw new IllegalStateException("refusing to revoke a malformed database user name");
        }
        Mount m = new Mount("", "secret", "database", "", data.path("mount").asText(), "", VaultJson.object(), null);
        ObjectNode cfg;
        try {
            cfg = connection(m, data.path("db").asText());
        } catch (VaultError e) {
            return; // the connection was deleted: nothing left to revoke against
        }
        JsonNode custom = data.path("revocation_statements");
        try (Connection c = PostgresTarget.connect(cfg); Statement s = c.createStatement()) {
            if (custom.isArray() && !custom.isEmpty()) {
                for (JsonNode stmt : custom) {
                    s.execute(stmt.asText().replace("{{name}}", user).replace("{{username}}", user));
                }
            } else {
                s.execute(DEFAULT_REVOCATION.replace("{{name}}", user));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database user (SQLState " + e.getSQLState() + ")", e);
        }
    }

    private ObjectNode connection(Mount mount, String name) {
        record Row(byte[] config, String allowed) {
        }
        Row row = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT config, allowed_roles FROM secrets_db_connections"
                    + " WHERE mount_uuid = ? AND name = ?")) {
                ps.setString(1, mount.uuid());
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Row(rs.getBytes(1), rs.getString(2)) : null;
                }
            }
        });
        if (row == null) {
            throw VaultError.badRequest("database connection \"" + name + "\" is not configured");
        }
        byte[] plain = barrier.decrypt(row.config(), aad(mount, name));
        try {
            ObjectNode cfg = (ObjectNode) VaultJson.MAPPER.readTree(plain);
            cfg.put("allowed_roles_csv", row.allowed());
            ArrayNode a = cfg.putArray("allowed_roles");
            TokenStore.split(row.allowed()).forEach(a::add);
            return cfg;
        } catch (IOException e) {
            throw new IllegalStateException("stored database connection is malformed", e);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    private ObjectNode loadRole(Mount mount, String name) {
        ObjectNode role = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT db_name, statements, default_ttl_seconds,"
                    + " max_ttl_seconds FROM secrets_db_roles WHERE mount_uuid = ? AND name = ?")) {
                ps.setString(1, mount.uuid());
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    ObjectNode o = (ObjectNode) VaultJson.MAPPER.readTree(rs.getString(2));
                    o.put("db_name", rs.getString(1));
                    o.put("default_ttl", rs.getLong(3));
                    o.put("max_ttl", rs.getLong(4));
                    return o;
                } catch (IOException e) {
                    throw new IllegalStateException("stored database role is malformed", e);
                }
            }
        });
        if (role == null) {
            throw VaultError.badRequest("unknown role: " + name);
        }
        return role;
    }

    private static int delete(Connection c, String table, Mount mount, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE mount_uuid = ? AND name = ?")) {
            ps.setString(1, mount.uuid());
            ps.setString(2, name);
            return ps.executeUpdate();
        }
    }

    static byte[] aad(Mount mount, String name) {
        return ("aegis/secrets/db-connection/v1/" + mount.uuid() + "/" + name).getBytes(StandardCharsets.UTF_8);
    }
}
