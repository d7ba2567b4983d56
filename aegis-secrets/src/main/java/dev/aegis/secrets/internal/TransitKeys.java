package dev.aegis.secrets.internal;

import dev.aegis.core.api.crypto.Aes256Gcm;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.Store;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named transit keys with versions: rows in {@code secrets_transit_keys} / {@code secrets_transit_key_versions},
 * each version's key material sealed in the barrier. Unsealed key sets are cached per node as immutable
 * snapshots and re-read after a local change or {@link #CACHE_MILLIS} (another node's rotation).
 */
final class TransitKeys {
    private static final long CACHE_MILLIS = 2000;

    private final Store store;
    private final Barrier barrier;
    private final Clock clock;
    private final Map<String, KeySet> cache = new ConcurrentHashMap<>();

    /** One key with all its versions; immutable. */
    record KeySet(String name, String type, int latest, int minDecryption, int minEncryption, boolean deletionAllowed,
                  Map<Integer, Aes256Gcm> versions, Map<Integer, Instant> created, long loadedAt) {
    }

    TransitKeys(Store store, Barrier barrier, Clock clock) {
        this.store = store;
        this.barrier = barrier;
        this.clock = clock;
    }

    KeySet get(Mount mount, String name) {
        String k = mount.uuid() + "/" + name;
        KeySet cached = cache.get(k);
        if (cached != null && clock.millis() - cached.loadedAt() < CACHE_MILLIS) {
            return cached;
        }
        KeySet loaded = store.inTransaction(c -> load(c, mount, name));
        if (loaded == null) {
            cache.remove(k);
        } else {
            cache.put(k, loaded);
        }
        return loaded;
    }

    boolean create(Mount mount, String name, String type) {
        if (!"aes256-gcm96".equals(type)) {
            throw VaultError.badRequest("unsupported key type " + type + " (supported: aes256-gcm96)");
        }
        Instant now = clock.instant();
        boolean created = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_transit_keys (mount_uuid, name, key_type,"
                    + " latest_version, min_decryption_version, min_encryption_version, deletion_allowed, created_at)"
                    + " VALUES (?, ?, ?, 1, 1, 0, FALSE, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, mount.uuid());
                ps.setString(2, name);
                ps.setString(3, type);
                SqlValues.bind(ps, 4, now);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            insertVersion(c, mount, name, 1, now);
            return true;
        });
        cache.remove(mount.uuid() + "/" + name);
        return created;
    }

    void rotate(Mount mount, String name) {
        store.inTransaction(c -> {
            int latest;
            try (PreparedStatement ps = c.prepareStatement("SELECT latest_version FROM secrets_transit_keys WHERE"
                    + " mount_uuid = ? AND name = ? FOR UPDATE")) {
                ps.setString(1, mount.uuid());
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw VaultError.badRequest("encryption key not found");
                    }
                    latest = rs.getInt(1);
                }
            }
            insertVersion(c, mount, name, latest + 1, clock.instant());
            update(c, mount, name, "latest_version = ?", latest + 1);
            return null;
        });
        cache.remove(mount.uuid() + "/" + name);
    }

    void configure(Mount mount, String name, Integer minDecryption, Integer minEncryption, Boolean deletionAllowed) {
        KeySet ks = get(mount, name);
        if (ks == null) {
            throw VaultError.badRequest("encryption key not found");
        }
        if (minDecryption != null && (minDecryption < 1 || minDecryption > ks.latest())) {
            throw VaultError.badRequest("min_decryption_version must be between 1 and the latest version");
        }
        if (minEncryption != null && (minEncryption < 0 || minEncryption > ks.latest())) {
            throw VaultError.badRequest("min_encryption_version must be between 0 and the latest version");
        }
        store.inTransaction(c -> {
            if (minDecryption != null) {
                update(c, mount, name, "min_decryption_version = ?", minDecryption);
            }
            if (minEncryption != null) {
                update(c, mount, name, "min_encryption_version = ?", minEncryption);
            }
            if (deletionAllowed != null) {
                update(c, mount, name, "deletion_allowed = ?", deletionAllowed ? 1 : 0);
            }
            return null;
        });
        cache.remove(mount.uuid() + "/" + name);
    }

    void delete(Mount mount, String name) {
        KeySet ks = get(mount, name);
        if (ks == null) {
            return;
        }
        if (!ks.deletionAllowed()) {
            throw VaultError.badRequest("deletion is not allowed for this key");
        }
        store.inTransaction(c -> {
            for (String t : new String[] {"secrets_transit_key_versions", "secrets_transit_keys"}) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE mount_uuid = ? AND name = ?")) {
                    ps.setString(1, mount.uuid());
                    ps.setString(2, name);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        cache.remove(mount.uuid() + "/" + name);
    }

    List<String> names(Mount mount) {
        return SqlValues.namesOf(store, "secrets_transit_keys", mount);
    }

    private static void update(Connection c, Mount mount, String name, String set, Object value) throws SQLException {
        String sql = "UPDATE secrets_transit_keys SET " + set + " WHERE mount_uuid = ? AND name = ?";
        if (set.startsWith("deletion_allowed")) {
            sql = "UPDATE secrets_transit_keys SET deletion_allowed = (? = 1) WHERE mount_uuid = ? AND name = ?";
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, value);
            ps.setString(2, mount.uuid());
            ps.setString(3, name);
            ps.executeUpdate();
        }
    }

    private void insertVersion(Connection c, Mount mount, String name, int version, Instant now) throws SQLException {
        byte[] raw = SecretBytes.random(32).revealCopy();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_transit_key_versions (mount_uuid, name,"
                + " version, envelope, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, mount.uuid());
            ps.setString(2, name);
            ps.setInt(3, version);
            ps.setBytes(4, barrier.encrypt(raw, aad(mount, name, version)));
            SqlValues.bind(ps, 5, now);
            ps.executeUpdate();
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private KeySet load(Connection c, Mount mount, String name) throws SQLException {
        String type;
        int latest;
        int minDec;
        int minEnc;
        boolean deletion;
        try (PreparedStatement ps = c.prepareStatement("SELECT key_type, latest_version, min_decryption_version,"
                + " min_encryption_version, deletion_allowed FROM secrets_transit_keys WHERE mount_uuid = ? AND name = ?")) {
            ps.setString(1, mount.uuid());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                type = rs.getString(1);
                latest = rs.getInt(2);
                minDec = rs.getInt(3);
                minEnc = rs.getInt(4);
                deletion = rs.getBoolean(5);
            }
        }
        Map<Integer, Aes256Gcm> versions = new HashMap<>();
        Map<Integer, Instant> created = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version, envelope, created_at FROM"
                + " secrets_transit_key_versions WHERE mount_uuid = ? AND name = ?")) {
            ps.setString(1, mount.uuid());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int v = rs.getInt(1);
                    byte[] raw = barrier.decrypt(rs.getBytes(2), aad(mount, name, v));
                    try {
                        versions.put(v, Aes256Gcm.of(KeyId.of("transit-v" + v), SecretBytes.copyOf(raw)));
                    } finally {
                        Arrays.fill(raw, (byte) 0);
                    }
                    created.put(v, SqlValues.instant(rs, 3));
                }
            }
        }
        return new KeySet(name, type, latest, minDec, minEnc, deletion, Map.copyOf(versions), Map.copyOf(created),
                clock.millis());
    }

    private static byte[] aad(Mount mount, String name, int version) {
        return ("aegis/secrets/transit-key/v1/" + mount.uuid() + "/" + version + "/" + name)
                .getBytes(StandardCharsets.UTF_8);
    }
}
