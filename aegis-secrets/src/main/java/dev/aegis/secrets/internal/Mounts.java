package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The mount table ({@code secrets_mounts}) as an immutable snapshot sorted longest path first, so routing is a
 * loop of {@code startsWith}. Reloaded after a local change and every {@link #REFRESH_MILLIS} (other nodes).
 *
 * <p>Thread-safe.
 */
final class Mounts {
    private static final long REFRESH_MILLIS = 2000;
    static final List<String> SECRET_ENGINES = List.of("kv", "transit", "database");
    static final List<String> AUTH_METHODS = List.of("approle", "aegis");

    private final Store store;
    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Long.MIN_VALUE / 2); // stale at once, no overflow

    private record Snapshot(List<Mount> mounts, long loadedAt) {
    }

    Mounts(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    List<Mount> all() {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (now - s.loadedAt() > REFRESH_MILLIS) {
            s = reload();
        }
        return s.mounts();
    }

    /** @return the mount with the longest path that prefixes {@code path} (of the given kind), or {@code null} */
    Mount find(String path, String kind) {
        for (Mount m : all()) {
            if (m.kind().equals(kind) && (path.startsWith(m.path())
                    || path.length() + 1 == m.path().length() && m.path().startsWith(path))) {
                return m;
            }
        }
        return null;
    }

    private Snapshot reload() {
        List<Mount> mounts = store.inTransaction(c -> {
            List<Mount> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT path, kind, engine, accessor, uuid, description,"
                    + " options, created_at FROM secrets_mounts");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Mount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), options(rs.getString(7)), SqlValues.instant(rs, 8)));
                }
            }
            return out;
        });
        mounts.sort(Comparator.comparingInt((Mount m) -> m.path().length()).reversed());
        Snapshot s = new Snapshot(List.copyOf(mounts), clock.millis());
        snapshot = s;
        return s;
    }

    private static ObjectNode options(String json) {
        try {
            return (ObjectNode) VaultJson.MAPPER.readTree(json);
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("stored mount options are malformed", e);
        }
    }

    /**
     * Mounts an engine.
     *
     * @param path   normalised path with trailing slash
     * @param kind   secret or auth
     * @param engine engine type (kv, kv-v2, transit, database, approle)
     * @return whether it was mounted (false: the path was taken)
     */
    boolean mount(String path, String kind, String engine, String description, ObjectNode options) {
        String type = "kv-v2".equals(engine) ? "kv" : engine;
        if ("secret".equals(kind) ? !SECRET_ENGINES.contains(type) : !AUTH_METHODS.contains(type)) {
            throw VaultError.badRequest("unknown " + ("secret".equals(kind) ? "secrets engine" : "auth method")
                    + " type: " + engine);
        }
        if ("kv".equals(type)) {
            String version = options.path("version").asText("2");
            if (!"2".equals(version) && !"kv-v2".equals(engine)) {
                throw VaultError.badRequest("only KV version 2 is supported; mount with options.version=2");
            }
            options.put("version", "2");
        }
        checkPath(path);
        for (Mount m : all()) {
            if (m.path().startsWith(path) || path.startsWith(m.path())) {
                throw VaultError.badRequest("path is already in use at " + m.path());
            }
        }
        boolean inserted = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_mounts (path, kind, engine, accessor,"
                    + " uuid, description, options, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, path);
                ps.setString(2, kind);
                ps.setString(3, type);
                ps.setString(4, type + "_" + SecureIds.token(6).toLowerCase(java.util.Locale.ROOT)
                        .replace('-', '0').replace('_', '1'));
                ps.setString(5, UUID.randomUUID().toString());
                ps.setString(6, description);
                ps.setString(7, VaultJson.write(options));
                SqlValues.bind(ps, 8, clock.instant());
                return ps.executeUpdate() == 1;
            }
        });
        reload();
        return inserted;
    }

    void updateOptions(String path, ObjectNode options) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE secrets_mounts SET options = ? WHERE path = ?")) {
                ps.setString(1, VaultJson.write(options));
                ps.setString(2, path);
                return ps.executeUpdate();
            }
        });
        reload();
    }

    boolean unmount(String path) {
        boolean removed = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM secrets_mounts WHERE path = ?")) {
                ps.setString(1, path);
                return ps.executeUpdate() == 1;
            }
        });
        reload();
        return removed;
    }

    static String normalise(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (!p.endsWith("/")) {
            p = p + "/";
        }
        return p;
    }

    private static void checkPath(String path) {
        if (path.length() < 2 || path.length() > 200 || path.startsWith("sys/") || path.equals("auth/")
                || path.startsWith("cubbyhole/") || path.contains("//") || path.contains("..")) {
            throw VaultError.badRequest("invalid mount path \"" + path + "\"");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '/' || c == '.')) {
                throw VaultError.badRequest("invalid mount path \"" + path + "\"");
            }
        }
    }
}
