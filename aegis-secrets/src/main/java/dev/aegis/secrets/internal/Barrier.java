package dev.aegis.secrets.internal;

import dev.aegis.core.api.crypto.Aes256Gcm;
import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.Envelope;
import dev.aegis.core.api.crypto.EnvelopeCipher;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.MasterKeyRing;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.Store;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets barrier (Vault's term): root key → keyring keys → per-record data keys. Every value the secrets
 * manager stores goes through {@link #encrypt} ({@link EnvelopeCipher}: a fresh AES-256-GCM data key per record,
 * wrapped by the primary keyring key); keyring keys are wrapped by the root key, which exists only in memory while
 * unsealed. Sealing drops the keys; a sealed barrier refuses to encrypt or decrypt.
 *
 * <p>Keyring rotation ({@link #rotate}) adds a new primary without re-encrypting anything; {@link #rewrapAll}
 * re-wraps the data keys of every stored envelope under the primary, on demand.
 *
 * <p>Thread-safe: the open state is an immutable snapshot behind a volatile field; changes hold a lock.
 */
final class Barrier {
    private static final Logger LOG = LoggerFactory.getLogger(Barrier.class);
    static final String TOKEN_KEY = "token-hmac-key";
    private static final KeyId ROOT_KID = KeyId.of("secrets-root");
    private static final byte[] ROOT_CHECK = "aegis/secrets/root-check/v1".getBytes(StandardCharsets.US_ASCII);
    /** Every column that holds an envelope: table, key columns, envelope column (for rewrap). */
    private static final String[][] ENVELOPE_COLUMNS = {
        {"secrets_kv_versions", "mount_uuid, path, version", "envelope"},
        {"secrets_transit_key_versions", "mount_uuid, name, version", "envelope"},
        {"secrets_leases", "lease_id", "revoke_data"},
        {"secrets_db_connections", "mount_uuid, name", "config"},
        {"secrets_internal", "name", "envelope"},
    };

    private final Store store;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Open open;
    private volatile KeyringRows.SealRow sealRow;

    /** The unsealed state: immutable. */
    private record Open(Aes256Gcm root, MasterKeyRing ring, EnvelopeCipher cipher, HmacFingerprint tokenHmac) {
    }

    Barrier(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @return the seal configuration, or {@code null} before initialisation */
    KeyringRows.SealRow sealConfig() {
        KeyringRows.SealRow row = sealRow;
        if (row == null) {
            row = store.inTransaction(KeyringRows::loadSeal);
            sealRow = row;
        }
        return row;
    }

    boolean initialized() {
        return sealConfig() != null;
    }

    boolean sealed() {
        return open == null;
    }

    /**
     * Initialises the barrier under {@code rootKey}: seal row with the root check, keyring generation 1, the token
     * HMAC key. Leaves the barrier sealed.
     *
     * @return whether this call initialised it (false: it already was)
     */
    boolean initialize(String type, int shares, int threshold, SecretBytes rootKey) {
        Aes256Gcm root = Aes256Gcm.of(ROOT_KID, rootKey);
        lock.lock();
        try {
            boolean created = store.inTransaction(c -> {
                if (!KeyringRows.insertSeal(c, new KeyringRows.SealRow(type, shares, threshold,
                        root.encrypt(ROOT_CHECK, ROOT_CHECK)), clock.instant())) {
                    return false;
                }
                KeyringRows.KeyRow first = newKeyringKey(root, 1);
                KeyringRows.insertKey(c, first);
                MasterKeyRing ring = unwrapRing(root, List.of(first));
                byte[] pepper = SecretBytes.random(32).revealCopy();
                try {
                    KeyringRows.insertInternal(c, TOKEN_KEY,
                            new EnvelopeCipher(ring).seal(pepper, internalAad(TOKEN_KEY)).encode());
                } finally {
                    Arrays.fill(pepper, (byte) 0);
                }
                return true;
            });
            sealRow = null;
            if (created) {
                LOG.atInfo().addKeyValue("sealType", type).addKeyValue("shares", shares)
                        .addKeyValue("threshold", threshold).log("secrets barrier initialised");
            }
            return created;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens the barrier with a root key.
     *
     * @throws VaultError 400 if the key is not this barrier's root key
     */
    void unseal(SecretBytes rootKey) {
        KeyringRows.SealRow row = sealConfig();
        if (row == null) {
            throw VaultError.badRequest("Vault is not initialized");
        }
        Aes256Gcm root = Aes256Gcm.of(ROOT_KID, rootKey);
        try {
            root.decrypt(row.rootCheck(), ROOT_CHECK);
        } catch (DecryptionFailedException e) {
            throw VaultError.badRequest("Error unsealing: the unseal keys do not reconstruct the root key");
        }
        lock.lock();
        try {
            open = load(root);
            LOG.atInfo().addKeyValue("keyringGenerations", open.ring().keyIds().size()).log("secrets barrier unsealed");
        } finally {
            lock.unlock();
        }
    }

    void seal() {
        lock.lock();
        try {
            if (open != null) {
                open = null;
                LOG.atInfo().log("secrets barrier sealed");
            }
        } finally {
            lock.unlock();
        }
    }

    private Open load(Aes256Gcm root) {
        return store.inTransaction(c -> {
            MasterKeyRing ring = unwrapRing(root, KeyringRows.loadKeys(c));
            EnvelopeCipher cipher = new EnvelopeCipher(ring);
            byte[] env = KeyringRows.loadInternal(c, TOKEN_KEY);
            byte[] pepper = openEnvelope(cipher, env, internalAad(TOKEN_KEY));
            try {
                return new Open(root, ring, cipher, new HmacFingerprint(SecretBytes.copyOf(pepper)));
            } finally {
                Arrays.fill(pepper, (byte) 0);
            }
        });
    }

    private Open current() {
        Open o = open;
        if (o == null) {
            throw VaultError.sealed();
        }
        return o;
    }

    /** Envelope-encrypts {@code plaintext} bound to {@code aad}; returns {@link Envelope#encode()}. */
    byte[] encrypt(byte[] plaintext, byte[] aad) {
        return current().cipher().seal(plaintext, aad).encode();
    }

    /** Opens an envelope written by {@link #encrypt} with the same associated data. */
    byte[] decrypt(byte[] envelope, byte[] aad) {
        Open o = current();
        try {
            Envelope e = Envelope.decode(envelope);
            if (o.ring().find(e.masterKeyId()).isEmpty()) {
                o = reload(o); // another node rotated the keyring
            }
            return o.cipher().open(e, aad);
        } catch (DecryptionFailedException e) {
            throw new IllegalStateException("a stored secret failed authentication (tampered or wrong key)", e);
        }
    }

    private static byte[] openEnvelope(EnvelopeCipher cipher, byte[] envelope, byte[] aad) {
        try {
            return cipher.open(Envelope.decode(envelope), aad);
        } catch (DecryptionFailedException e) {
            throw new IllegalStateException("a barrier secret failed authentication", e);
        }
    }

    private Open reload(Open o) {
        lock.lock();
        try {
            Open now = open;
            if (now == null) {
                throw VaultError.sealed();
            }
            open = load(now.root());
            return open;
        } finally {
            lock.unlock();
        }
    }

    /** HMAC-SHA256 of a token (or secret ID) under the barrier's pepper: what is stored instead of the token. */
    String tokenHash(String token) {
        return current().tokenHmac().of(token);
    }

    /** Adds a new primary keyring key; existing envelopes keep opening with the older keys. */
    List<KeyringRows.KeyRow> rotate() {
        lock.lock();
        try {
            Open o = current();
            store.inTransaction(c -> {
                List<KeyringRows.KeyRow> rows = KeyringRows.loadKeys(c);
                return KeyringRows.insertKey(c, newKeyringKey(o.root(), rows.getLast().generation() + 1));
            });
            open = load(o.root());
            LOG.atInfo().addKeyValue("primary", open.ring().primary().keyId().value()).log("keyring rotated");
            return keyStatus();
        } finally {
            lock.unlock();
        }
    }

    List<KeyringRows.KeyRow> keyStatus() {
        current();
        return store.inTransaction(KeyringRows::loadKeys);
    }

    String primaryKeyId() {
        return current().ring().primary().keyId().value();
    }

    /** Re-wraps every stored data key under the primary keyring key; ciphertexts stay. Returns how many changed. */
    int rewrapAll() {
        EnvelopeCipher cipher = current().cipher();
        String primary = primaryKeyId();
        int changed = 0;
        for (String[] column : ENVELOPE_COLUMNS) {
            changed += store.inTransaction(c -> rewrapColumn(c, cipher, primary, column));
        }
        LOG.atInfo().addKeyValue("rewrapped", changed).log("envelopes rewrapped under the primary keyring key");
        return changed;
    }

    private static int rewrapColumn(Connection c, EnvelopeCipher cipher, String primary, String[] column)
            throws SQLException {
        String[] keys = column[1].split(", ");
        List<Object[]> updates = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + column[1] + ", " + column[2] + " FROM "
                + column[0] + " WHERE " + column[2] + " IS NOT NULL FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                try {
                    Envelope e = Envelope.decode(rs.getBytes(keys.length + 1));
                    if (!e.masterKeyId().value().equals(primary)) {
                        Object[] u = new Object[keys.length + 1];
                        u[0] = cipher.rewrap(e).encode();
                        for (int i = 0; i < keys.length; i++) {
                            u[i + 1] = rs.getObject(i + 1);
                        }
                        updates.add(u);
                    }
                } catch (DecryptionFailedException e) {
                    throw new IllegalStateException("cannot rewrap a stored envelope in " + column[0], e);
                }
            }
        }
        String where = String.join(" = ? AND ", keys) + " = ?";
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + column[0] + " SET " + column[2] + " = ? WHERE "
                + where)) {
            for (Object[] u : updates) {
                for (int i = 0; i < u.length; i++) {
                    ps.setObject(i + 1, u[i]);
                }
                ps.addBatch();
            }
            if (!updates.isEmpty()) {
                ps.executeBatch();
            }
        }
        return updates.size();
    }

    private KeyringRows.KeyRow newKeyringKey(Aes256Gcm root, long generation) {
        String kid = "kr" + generation + "-" + KeyId.random().value();
        byte[] raw = SecretBytes.random(32).revealCopy();
        try {
            return new KeyringRows.KeyRow(kid, generation, root.encrypt(raw, keyringAad(kid)), clock.instant());
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static MasterKeyRing unwrapRing(Aes256Gcm root, List<KeyringRows.KeyRow> rows) {
        List<Aes256Gcm> keys = new ArrayList<>(rows.size());
        for (KeyringRows.KeyRow row : rows) {
            byte[] raw = null;
            try {
                raw = root.decrypt(row.wrapped(), keyringAad(row.kid()));
                keys.add(Aes256Gcm.of(KeyId.of(row.kid()), SecretBytes.copyOf(raw)));
            } catch (DecryptionFailedException e) {
                throw new IllegalStateException("keyring key " + row.kid() + " does not unwrap under the root key", e);
            } finally {
                if (raw != null) {
                    Arrays.fill(raw, (byte) 0);
                }
            }
        }
        return MasterKeyRing.of(keys, keys.getLast().keyId());
    }

    private static byte[] keyringAad(String kid) {
        return ("aegis/secrets/keyring/v1/" + kid).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] internalAad(String name) {
        return ("aegis/secrets/internal/v1/" + name).getBytes(StandardCharsets.US_ASCII);
    }
}
