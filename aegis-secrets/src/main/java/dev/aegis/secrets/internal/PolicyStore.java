package dev.aegis.secrets.internal;

import dev.aegis.store.api.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ACL policies in {@code secrets_policies}, plus the built-in {@code root} (everything, cannot be changed) and
 * {@code default} (a token may look up, renew and revoke itself). Parsed policies and compiled {@link Acl}s are
 * cached; a write on this node clears the caches, other nodes re-read after {@link #CACHE_MILLIS}.
 *
 * <p>Thread-safe.
 */
final class PolicyStore {
    static final String DEFAULT_DOCUMENT = """
            # Built-in: every token may look up, renew and revoke itself.
            path "auth/token/lookup-self" { capabilities = ["read"] }
            path "auth/token/renew-self" { capabilities = ["update"] }
            path "auth/token/revoke-self" { capabilities = ["update"] }
            path "sys/capabilities-self" { capabilities = ["update"] }
            path "sys/leases/renew" { capabilities = ["update"] }
            path "sys/leases/lookup" { capabilities = ["update"] }
            path "sys/renew" { capabilities = ["update"] }
            """;
    private static final long CACHE_MILLIS = 2000;

    private final Store store;
    private final Clock clock;
    private final Map<String, CachedAcl> acls = new ConcurrentHashMap<>();

    private record CachedAcl(Acl acl, long loadedAt) {
    }

    PolicyStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @return the compiled ACL of a token with these policies */
    Acl acl(List<String> policies) {
        String key = String.join(",", new TreeSet<>(policies));
        long now = clock.millis();
        CachedAcl cached = acls.get(key);
        if (cached != null && now - cached.loadedAt() < CACHE_MILLIS) {
            return cached.acl();
        }
        List<AclPolicy> parsed = new ArrayList<>();
        Map<String, String> docs = load(policies);
        for (String name : policies) {
            if ("root".equals(name)) {
                parsed.add(new AclPolicy("root", List.of()));
            } else if (docs.containsKey(name)) {
                parsed.add(AclPolicy.parse(name, docs.get(name)));
            }
        }
        Acl acl = Acl.of(parsed);
        if (acls.size() > 10_000) {
            acls.clear();
        }
        acls.put(key, new CachedAcl(acl, now));
        return acl;
    }

    private Map<String, String> load(List<String> names) {
        Map<String, String> docs = new HashMap<>();
        if (names.contains("default")) {
            docs.put("default", DEFAULT_DOCUMENT);
        }
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, document FROM secrets_policies WHERE name = ?")) {
                for (String n : names) {
                    if ("root".equals(n)) {
                        continue;
                    }
                    ps.setString(1, n);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            docs.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            }
            return null;
        });
        return docs;
    }

    String read(String name) {
        if ("root".equals(name)) {
            return "";
        }
        String stored = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT document FROM secrets_policies WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        return stored == null && "default".equals(name) ? DEFAULT_DOCUMENT : stored;
    }

    void write(String name, String document) {
        checkName(name);
        if ("root".equals(name)) {
            throw VaultError.badRequest("cannot update the \"root\" policy");
        }
        AclPolicy.parse(name, document); // refuse what does not parse, before storing it
        store.inTransaction(c -> {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE secrets_policies SET document = ?, updated_at = ? WHERE name = ?")) {
                up.setString(1, document);
                SqlValues.bind(up, 2, clock.instant());
                up.setString(3, name);
                if (up.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO secrets_policies (name, document, updated_at) VALUES (?, ?, ?)")) {
                ins.setString(1, name);
                ins.setString(2, document);
                SqlValues.bind(ins, 3, clock.instant());
                ins.executeUpdate();
            }
            return null;
        });
        acls.clear();
    }

    void delete(String name) {
        if ("root".equals(name) || "default".equals(name)) {
            throw VaultError.badRequest("cannot delete the \"" + name + "\" policy");
        }
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM secrets_policies WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate();
            }
        });
        acls.clear();
    }

    List<String> names() {
        TreeSet<String> names = new TreeSet<>(List.of("default", "root"));
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM secrets_policies");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return null;
        });
        return List.copyOf(names);
    }

    static String checkName(String name) {
        if (name.isEmpty() || name.length() > 128) {
            throw VaultError.badRequest("policy name must be 1..128 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                throw VaultError.badRequest("policy name may contain letters, digits, '-', '_' and '.' only");
            }
        }
        return name;
    }
}
