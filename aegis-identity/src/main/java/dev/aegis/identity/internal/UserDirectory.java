package dev.aegis.identity.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.core.api.password.PasswordCheck;
import dev.aegis.core.api.password.PasswordHasher;
import dev.aegis.store.api.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users ({@code idp_users}) and groups ({@code idp_groups}, {@code idp_group_members}) with Argon2id password
 * verification that takes the same time whether or not the user exists (no enumeration by timing).
 *
 * <p>Thread-safe.
 */
public final class UserDirectory {

    private static final String COLUMNS = "user_id, username, password_hash, email, display_name, roles, attributes, disabled";

    private final Store store;
    private final PasswordHasher hasher;
    private final Clock clock;
    /** Verified against when the user is unknown, so the answer costs one Argon2id either way. */
    private final String dummyHash;

    public UserDirectory(Store store, PasswordHasher hasher, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.clock = clock;
        this.dummyHash = hasher.hash(SecureIds.token(16).toCharArray());
    }

    /** @return the hasher (for new passwords) */
    public PasswordHasher hasher() {
        return hasher;
    }

    /** @return the user created, or empty if the username is taken */
    public Optional<UserRecord> insert(UserRecord user) {
        boolean ok = store.inTransaction(c -> {
            if (findBy(c, "username", user.username()).isPresent()) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO idp_users (" + COLUMNS
                    + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, user.userId());
                s.setString(2, user.username());
                s.setString(3, user.passwordHash());
                s.setString(4, user.email().orElse(null));
                s.setString(5, user.displayName().orElse(null));
                s.setString(6, Rows.joinList(user.roles()));
                s.setString(7, attributesJson(user.attributes()));
                s.setBoolean(8, user.disabled());
                Rows.setInstant(s, 9, clock.instant());
                s.executeUpdate();
            }
            for (String group : user.groups()) {
                if (!addMember(c, group, user.userId())) {
                    throw new UnknownGroupException(group);
                }
            }
            return true;
        });
        return ok ? Optional.of(user) : Optional.empty();
    }

    /** Thrown (and rolled back) when a user is created with a group that does not exist. */
    public static final class UnknownGroupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownGroupException(String group) {
            super("no such group: " + group);
        }
    }

    public Optional<UserRecord> byId(String userId) {
        return store.inTransaction(c -> findBy(c, "user_id", userId));
    }

    public Optional<UserRecord> byUsername(String username) {
        if (!UserRecord.validUsername(username)) {
            return Optional.empty();
        }
        return store.inTransaction(c -> findBy(c, "username", username));
    }

    public List<UserRecord> list() {
        return store.inTransaction(c -> {
            List<UserRecord> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM idp_users ORDER BY username");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(read(c, r));
                }
            }
            return out;
        });
    }

    public boolean delete(String userId) {
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM idp_users WHERE user_id = ?")) {
                s.setString(1, userId);
                return s.executeUpdate() > 0;
            }
        });
    }

    /**
     * Checks a password in constant cost: one Argon2id verification whether the user exists, is disabled or not.
     *
     * @return the user when the name exists, is enabled and the password matches
     */
    public Optional<UserRecord> authenticate(String username, char[] password) {
        Optional<UserRecord> user = byUsername(username);
        String hash = user.isPresent() ? user.get().passwordHash() : dummyHash;
        PasswordCheck check = hasher.verify(password, hash);
        boolean match = check instanceof PasswordCheck.Match;
        if (user.isEmpty() || !match || user.get().disabled()) {
            return Optional.empty();
        }
        if (check instanceof PasswordCheck.Match m && m.rehashed().isPresent()) {
            String rehash = m.rehashed().get();
            store.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE idp_users SET password_hash = ? WHERE user_id = ?")) {
                    s.setString(1, rehash);
                    s.setString(2, user.get().userId());
                    return s.executeUpdate();
                }
            });
        }
        return user;
    }

    /** @return false if the group exists already */
    public boolean createGroup(String name, String description) {
        if (!validGroupName(name) || description.length() > 1024) {
            throw new IllegalArgumentException("group names are 1..128 characters of [A-Za-z0-9._:-]");
        }
        return store.inTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM idp_groups WHERE name = ?")) {
                q.setString(1, name);
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO idp_groups (name, description, created_at) VALUES (?, ?, ?)")) {
                s.setString(1, name);
                s.setString(2, description);
                Rows.setInstant(s, 3, clock.instant());
                s.executeUpdate();
            }
            return true;
        });
    }

    /** @return group name → description, ordered by name */
    public Map<String, String> groups() {
        return store.inTransaction(c -> {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT name, description FROM idp_groups ORDER BY name");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), r.getString(2));
                }
            }
            return out;
        });
    }

    public boolean deleteGroup(String name) {
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM idp_groups WHERE name = ?")) {
                s.setString(1, name);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** @return false when the group or the user does not exist */
    public boolean addToGroup(String group, String userId) {
        return store.inTransaction(c -> addMember(c, group, userId));
    }

    private static boolean addMember(Connection c, String group, String userId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT (SELECT COUNT(*) FROM idp_groups WHERE name = ?) + (SELECT COUNT(*) FROM idp_users WHERE user_id = ?)")) {
            q.setString(1, group);
            q.setString(2, userId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                if (r.getLong(1) != 2) {
                    return false;
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO idp_group_members (group_name, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, group);
            s.setString(2, userId);
            s.executeUpdate();
        }
        return true;
    }

    static boolean validGroupName(String name) {
        return ClientRecord.validClientId(name);
    }

    private static Optional<UserRecord> findBy(Connection c, String column, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM idp_users WHERE " + column + " = ?")) {
            s.setString(1, value);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(read(c, r)) : Optional.empty();
            }
        }
    }

    private static UserRecord read(Connection c, ResultSet r) throws SQLException {
        String userId = r.getString("user_id");
        List<String> groups = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT group_name FROM idp_group_members WHERE user_id = ? ORDER BY group_name")) {
            s.setString(1, userId);
            try (ResultSet g = s.executeQuery()) {
                while (g.next()) {
                    groups.add(g.getString(1));
                }
            }
        }
        return new UserRecord(userId, r.getString("username"), r.getString("password_hash"),
                Optional.ofNullable(r.getString("email")), Optional.ofNullable(r.getString("display_name")),
                Rows.set(r.getString("roles")), groups, attributes(r.getString("attributes")), r.getBoolean("disabled"));
    }

    static String attributesJson(Map<String, String> attributes) {
        ObjectNode o = Json.object();
        attributes.forEach(o::put);
        return o.toString();
    }

    private static Map<String, String> attributes(String json) {
        Map<String, String> out = new HashMap<>();
        Optional<ObjectNode> node = Json.parseObject(json);
        if (node.isPresent()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.get().fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                out.put(f.getKey(), f.getValue().asText());
            }
        }
        return out;
    }
}
