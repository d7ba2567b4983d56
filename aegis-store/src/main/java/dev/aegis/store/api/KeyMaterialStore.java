package dev.aegis.store.api;

import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.Envelope;
import dev.aegis.core.api.crypto.EnvelopeCipher;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.MasterKeyRing;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.store.api.spi.RootKeyProvider;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key material at rest, in two layers (Vault's barrier, a KMS with envelope encryption):
 * <ul>
 *   <li><b>master keys</b> (AES-256) in {@code master_keys}, each wrapped by the root key of the
 *       {@link RootKeyProvider}, which is not in the database; the newest is primary. The first one is created on
 *       first use; {@link #rotateMasterKey()} adds a new primary and re-wraps every stored private key under it.
 *       Old master keys are kept so envelopes written by nodes that have not yet seen a rotation still open.</li>
 *   <li><b>signing key rings</b> ({@value #TOKENS_RING} for tokens, {@value #AUDIT_RING} for audit checkpoints)
 *       in {@code key_rings}/{@code signing_keys}: public JWKs in the clear, private JWKs only as
 *       {@link Envelope}s (RFC 5116 AEAD) under a master key with associated data = ring name + kid.
 *       A key that becomes DESTROYED loses its envelope in the database too (a CHECK constraint enforces it).</li>
 * </ul>
 *
 * <p>{@link #updateRing} is the one way to change a ring: one transaction that locks the ring's row
 * ({@code SELECT ... FOR UPDATE}, creating it if absent), reads the ring, applies the change and writes the
 * difference, so concurrent updaters, threads or cluster nodes, are serialized and a rotation never happens twice.
 *
 * <p>Thread-safe. The unwrapped master keys are cached in memory and reloaded when a stored envelope names one
 * this node has not seen. Arguments must not be {@code null}; no method returns {@code null}; infrastructure
 * and decryption failures are {@link StoreException}s.
 */
public final class KeyMaterialStore {

    /** The ring whose ACTIVE key signs access and ID tokens. */
    public static final String TOKENS_RING = "tokens";
    /** The ring whose ACTIVE key signs audit chain checkpoints. */
    public static final String AUDIT_RING = "audit";

    private static final Logger LOG = LoggerFactory.getLogger(KeyMaterialStore.class);

    private final Store store;
    private final WrappedMasterKeys wrapping;
    private final Clock clock;
    private final AtomicReference<MasterKeyRing> masterKeys = new AtomicReference<>();
    private final SigningKeyRowMac rowMacs;

    /**
     * @param store    an open store
     * @param rootKeys where the root key comes from
     * @param clock    time source for creation and update timestamps
     */
    public KeyMaterialStore(Store store, RootKeyProvider rootKeys, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.wrapping = new WrappedMasterKeys(Objects.requireNonNull(rootKeys, "rootKeys"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rowMacs = new SigningKeyRowMac(rootKeys);
    }

    /**
     * The master keys, creating the first one (wrapped by the root key) if the database has none. Race-safe:
     * nodes starting at once agree on one first key.
     *
     * @return the ring; its primary wraps new data keys
     * @throws StoreException if the root key cannot unwrap the stored keys (wrong root key file)
     */
    public MasterKeyRing masterKeys() {
        MasterKeyRing cached = masterKeys.get();
        return cached != null ? cached : reloadMasterKeys();
    }

    private MasterKeyRing reloadMasterKeys() {
        List<MasterKeyRows.Row> rows = store.inTransaction(MasterKeyRows::loadAll);
        if (rows.isEmpty()) {
            WrappedMasterKeys.NewKey first = wrapping.generate(1);
            boolean created = store.inTransaction(c -> MasterKeyRows.insertIfAbsent(c, first.key().keyId().value(),
                    1, first.wrapped(), clock.instant()));
            if (created) {
                LOG.atInfo().addKeyValue("kid", first.key().keyId().value()).log("first master key created");
            }
            rows = store.inTransaction(MasterKeyRows::loadAll);
        }
        MasterKeyRing ring = wrapping.unwrap(rows);
        masterKeys.set(ring);
        return ring;
    }

    /**
     * Master key rotation: a new primary master key, and every stored private key re-wrapped under it in the
     * same transaction (only the data keys are re-wrapped, RFC 5116 ciphertexts stay). If another node rotates
     * at the same moment, its key wins and this call returns the ring with it.
     *
     * @return the ring with the new primary
     */
    public MasterKeyRing rotateMasterKey() {
        masterKeys(); // make sure generation 1 exists
        String rotated = store.inTransaction(c -> {
            SigningKeyRows.lockAllRings(c); // lock order: rings before their keys, as updateRing does
            List<MasterKeyRows.Row> rows = MasterKeyRows.loadAll(c);
            WrappedMasterKeys.NewKey next = wrapping.generate(rows.getLast().generation() + 1);
            String kid = next.key().keyId().value();
            if (!MasterKeyRows.insertIfAbsent(c, kid, rows.getLast().generation() + 1, next.wrapped(),
                    clock.instant())) {
                return null;
            }
            rewrapAll(c, new EnvelopeCipher(wrapping.unwrap(rows).withPrimary(next.key())), rowMacs);
            return kid;
        });
        if (rotated != null) {
            LOG.atInfo().addKeyValue("kid", rotated).log("master key rotated");
        }
        return reloadMasterKeys();
    }

    private static void rewrapAll(Connection c, EnvelopeCipher cipher, SigningKeyRowMac macs) throws SQLException {
        for (SigningKeyRows.RingRow s : SigningKeyRows.loadSealed(c, macs)) {
            SigningKeyRows.Row r = s.row();
            try {
                Envelope rewrapped = cipher.rewrap(Envelope.decode(r.envelope()));
                SigningKeyRows.update(c, s.ring(), new SigningKeyRows.Row(r.kid(), r.ringOrder(), r.algorithm(),
                        r.state(), r.createdAt(), r.activatedAt(), r.retiredAt(), r.destroyedAt(), r.publicJwk(),
                        rewrapped.encode()), macs);
            } catch (DecryptionFailedException e) {
                throw new StoreException("cannot re-wrap the private key " + r.kid() + " of key ring " + s.ring()
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * @param ringName a ring name, 1..64 characters of {@code [A-Za-z0-9._-]}
     * @return the ring as stored; {@link KeyRing#empty()} if it was never written
     */
    public KeyRing loadRing(String ringName) {
        String ring = checkRingName(ringName);
        masterKeys();
        return store.inTransaction(c -> toRing(c, ring, SigningKeyRows.load(c, ring, rowMacs).trusted()));
    }

    /**
     * Changes a ring atomically: locks its row ({@code SELECT ... FOR UPDATE}, creating it if absent), loads it,
     * applies {@code change} and stores the difference, all in one transaction. {@code change} runs while the lock
     * is held, once per call; it should be quick and pure (such as {@code KeyRotation::advance}). If it returns
     * the very same instance nothing is written.
     *
     * @param ringName a ring name, 1..64 characters of {@code [A-Za-z0-9._-]}
     * @param change   computes the new ring from the stored one; exceptions it throws roll back and propagate
     * @return the ring as now stored
     * @throws IllegalArgumentException if {@code change} reuses a key id for a different key
     */
    public KeyRing updateRing(String ringName, UnaryOperator<KeyRing> change) {
        String ring = checkRingName(ringName);
        Objects.requireNonNull(change, "change");
        masterKeys(); // outside the transaction: creating the first master key uses its own connection
        return store.inTransaction(c -> {
            Instant now = clock.instant();
            SigningKeyRows.createAndLock(c, ring, now);
            SigningKeyRows.Loaded loaded = SigningKeyRows.load(c, ring, rowMacs);
            List<SigningKeyRows.Row> rows = loaded.trusted();
            KeyRing current = toRing(c, ring, rows);
            KeyRing next = Objects.requireNonNull(change.apply(current), "the ring change returned null");
            if (next == current && loaded.untrustedKids().isEmpty()) {
                return current;
            }
            for (String kid : loaded.untrustedKids()) {
                // A kid names one key forever: a forged row must not keep its kid occupied either.
                SigningKeyRows.delete(c, ring, kid);
                LOG.atWarn().addKeyValue("ring", ring).addKeyValue("kid", kid).log("deleted a signing key row without a valid MAC");
            }
            writeChanges(c, ring, rows, current, next);
            SigningKeyRows.touch(c, ring, now);
            return next;
        });
    }

    private void writeChanges(Connection c, String ring, List<SigningKeyRows.Row> rows, KeyRing current,
                              KeyRing next) throws SQLException {
        Map<String, SigningKeyRows.Row> stored = new HashMap<>();
        for (SigningKeyRows.Row r : rows) {
            stored.put(r.kid(), r);
        }
        EnvelopeCipher cipher = new EnvelopeCipher(masterKeys());
        int order = 0;
        for (SigningKey key : next.keys()) {
            SigningKeyRows.Row old = stored.remove(key.keyId().value());
            if (old == null) {
                SigningKeyRows.insert(c, ring, SealedSigningKeys.newRow(ring, key, order, cipher), rowMacs);
            } else {
                requireSameKey(ring, key, current);
                SigningKeyRows.Row changed = SealedSigningKeys.changedRow(ring, key, order, old, cipher);
                if (SealedSigningKeys.differs(old, changed)) {
                    SigningKeyRows.update(c, ring, changed, rowMacs);
                }
            }
            order++;
        }
        for (String removed : stored.keySet()) {
            SigningKeyRows.delete(c, ring, removed);
        }
    }

    /** A kid names one key forever: a different key under a stored kid would let it impersonate the old one. */
    private static void requireSameKey(String ring, SigningKey key, KeyRing current) {
        SigningKey old = current.keys().stream().filter(k -> k.keyId().equals(key.keyId())).findFirst().orElseThrow();
        if (old != key && !old.publicJwkJson().equals(key.publicJwkJson())) {
            throw new IllegalArgumentException("key id " + key.keyId().value() + " of key ring " + ring
                    + " already names a different key");
        }
    }

    private KeyRing toRing(Connection c, String ring, List<SigningKeyRows.Row> rows) throws SQLException {
        EnvelopeCipher cipher = new EnvelopeCipher(masterKeysCovering(c, rows));
        List<SigningKey> keys = new ArrayList<>(rows.size());
        for (SigningKeyRows.Row r : rows) {
            keys.add(SealedSigningKeys.open(ring, r, cipher));
        }
        try {
            return KeyRing.of(keys);
        } catch (IllegalArgumentException e) {
            throw new StoreException("stored key ring " + ring + " is inconsistent: " + e.getMessage(), e);
        }
    }

    /** The cached master keys, reloaded through {@code c} if a row was sealed under a key this node has not seen. */
    private MasterKeyRing masterKeysCovering(Connection c, List<SigningKeyRows.Row> rows) throws SQLException {
        MasterKeyRing ring = masterKeys();
        for (SigningKeyRows.Row r : rows) {
            if (r.envelope() != null && ring.find(masterKeyIdOf(r)).isEmpty()) {
                ring = wrapping.unwrap(MasterKeyRows.loadAll(c));
                masterKeys.set(ring);
                return ring;
            }
        }
        return ring;
    }

    private static KeyId masterKeyIdOf(SigningKeyRows.Row r) {
        try {
            return Envelope.decode(r.envelope()).masterKeyId();
        } catch (DecryptionFailedException e) {
            throw new StoreException("the sealed private key " + r.kid() + " is malformed: " + e.getMessage(), e);
        }
    }

    private static String checkRingName(String ringName) {
        Objects.requireNonNull(ringName, "ringName");
        if (!KeyId.isValid(ringName)) {
            throw new IllegalArgumentException("a key ring name is 1..64 characters of [A-Za-z0-9._-]");
        }
        return ringName;
    }

    @Override
    public String toString() {
        return "KeyMaterialStore[" + store + "]";
    }
}
