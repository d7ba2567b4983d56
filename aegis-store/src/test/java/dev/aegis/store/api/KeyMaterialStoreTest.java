package dev.aegis.store.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.Envelope;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.MasterKeyRing;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.KeyRotation;
import dev.aegis.core.api.keys.KeyState;
import dev.aegis.core.api.keys.RotationPolicy;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.store.api.TestDatabase.BothDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class KeyMaterialStoreTest {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private KeyMaterialStore keys(Store store) {
        return new KeyMaterialStore(store, RootKeyFile.openOrCreate(tmp.resolve("root.key")), CLOCK);
    }

    @BothDatabases
    void firstMasterKeyIsCreatedOnceAndSurvivesRestart(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyId primary = keys(store).masterKeys().primary().keyId();
            assertEquals(primary, keys(store).masterKeys().primary().keyId()); // a new instance loads, not creates
            assertEquals(1L, StoreTest.count(store, "SELECT COUNT(*) FROM master_keys"));
        }
    }

    @BothDatabases
    void wrongRootKeyIsAClearError(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            keys(store).masterKeys();
            RootKeyFile other = RootKeyFile.openOrCreate(tmp.resolve("other.key"));
            StoreException e = assertThrows(StoreException.class,
                    () -> new KeyMaterialStore(store, other, CLOCK).masterKeys());
            assertTrue(e.getMessage().contains("cannot unwrap master key"), e.getMessage());
            assertTrue(e.getMessage().contains(other.file().toString()), e.getMessage());
        }
    }

    @BothDatabases
    void ringRoundTripsWithItsPrivateKey(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            assertTrue(keys(store).loadRing(KeyMaterialStore.TOKENS_RING).keys().isEmpty());
            KeyRing written = keys(store).updateRing(KeyMaterialStore.TOKENS_RING, r -> rotation().advance(r, T0));
            KeyRing loaded = keys(store).loadRing(KeyMaterialStore.TOKENS_RING);
            SigningKey before = written.signingKey().orElseThrow();
            SigningKey after = loaded.signingKey().orElseThrow();
            assertEquals(before.keyId(), after.keyId());
            assertEquals(KeyState.ACTIVE, after.state());
            assertEquals(before.publicJwkJson(), after.publicJwkJson());
            assertTrue(before.exportPrivateJwk().equalsConstantTime(after.exportPrivateJwk()));
            assertEquals(written.publicJwkSetJson(), loaded.publicJwkSetJson());
            assertTrue(keys(store).loadRing(KeyMaterialStore.AUDIT_RING).keys().isEmpty()); // rings are separate
        }
    }

    @BothDatabases
    void noPrivateKeyBytesAppearInPlaintextInTheDatabase(TestDatabase db) {
        StoreConfig config = db.freshConfig(tmp);
        List<String> privateParts = new ArrayList<>();
        try (Store store = Store.open(config)) {
            KeyMaterialStore keys = keys(store);
            for (SigningAlgorithm alg : SigningAlgorithm.values()) {
                SigningKey k = SigningKey.generate(alg, KeyId.random(), T0);
                keys.updateRing("scan", r -> ringWith(r, k));
                privateParts.add(jwkMember(k, "d"));
            }
            keys.rotateMasterKey();
            List<byte[]> cells = DatabaseScan.allCells(store, "signing_keys", "master_keys", "key_rings");
            for (String d : privateParts) {
                assertFalse(DatabaseScan.containsAny(cells, d), "private JWK value d found in a row");
            }
        }
        config.dataDir().ifPresent(dir -> {
            byte[] file = DatabaseScan.readFile(dir.resolve("aegis.mv.db"));
            for (String d : privateParts) {
                assertFalse(DatabaseScan.contains(file, d.getBytes(StandardCharsets.US_ASCII)), "d in the H2 file");
                assertFalse(DatabaseScan.contains(file, DatabaseScan.base64UrlDecode(d)), "raw d in the H2 file");
            }
        });
    }

    @BothDatabases
    void destroyedKeysLoseTheirPrivateMaterialInTheDatabase(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            SigningKey k = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k1"), T0).activate(T0);
            keys.updateRing("r", r -> KeyRing.of(List.of(k)));
            assertTrue(envelopeOf(store, "r", "k1") != null);
            keys.updateRing("r", r -> KeyRing.of(List.of(r.keys().getFirst().retire(T0.plusSeconds(10)))));
            assertTrue(envelopeOf(store, "r", "k1") != null); // RETIRED keys keep it (verifiers need only public)
            keys.updateRing("r", r -> KeyRing.of(List.of(r.keys().getFirst().destroy(T0.plusSeconds(20)))));
            assertNull(envelopeOf(store, "r", "k1"));
            SigningKey loaded = keys(store).loadRing("r").keys().getFirst();
            assertEquals(KeyState.DESTROYED, loaded.state());
            assertFalse(loaded.hasPrivateKey());
        }
    }

    /**
     * Without the row lock both updaters see an empty ring and both add an ACTIVE key ("rotating twice"); this
     * test fails when {@code FOR UPDATE} is removed from {@code SigningKeyRows.createAndLock}.
     */
    @BothDatabases
    void concurrentUpdatersAreSerializedSoARingIsNeverRotatedTwice(TestDatabase db) throws Exception {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            keys.updateRing("tokens", r -> r); // the ring row exists: only the row lock can serialize now
            raceTwoRotations(keys);
        }
    }

    /** Two nodes creating a missing ring at once: both succeed, one key results (INSERT ... ON CONFLICT). */
    @BothDatabases
    void concurrentCreationOfAMissingRingIsRaceSafe(TestDatabase db) throws Exception {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            keys.masterKeys();
            raceTwoRotations(keys);
        }
    }

    private static void raceTwoRotations(KeyMaterialStore keys) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<KeyRing>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return keys.updateRing("tokens", ring -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        sleep(300); // widen the race window while "holding" the ring
                        KeyRing next = ring.signingKey().isPresent() ? ring : rotation().advance(ring, T0);
                        inside.decrementAndGet();
                        return next;
                    });
                }));
            }
            start.countDown();
            for (Future<KeyRing> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertEquals(1, maxInside.get(), "the change functions overlapped");
        assertEquals(1, keys.loadRing("tokens").keys().size());
    }

    @BothDatabases
    void appendsFromTwoThreadsAreNeverLost(TestDatabase db) throws Exception {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            keys.masterKeys();
            List<SigningKey> pool1 = pregenerated(5);
            List<SigningKey> pool2 = pregenerated(5);
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                List<Future<?>> fs = List.of(pool.submit(() -> appendAll(keys, pool1)),
                        pool.submit(() -> appendAll(keys, pool2)));
                for (Future<?> f : fs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
            assertEquals(10, keys.loadRing("tokens").keys().size());
            assertEquals(10L, StoreTest.count(store, "SELECT version FROM key_rings WHERE name = 'tokens'"));
        }
    }

    @BothDatabases
    void masterKeyRotationRewrapsEveryPrivateKeyAndRingsStillLoad(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            KeyRing ring = keys.updateRing("tokens", r -> rotation().advance(r, T0));
            KeyId first = keys.masterKeys().primary().keyId();
            MasterKeyRing rotated = keys.rotateMasterKey();
            assertNotEquals(first, rotated.primary().keyId());
            assertEquals(List.of(first, rotated.primary().keyId()), rotated.keyIds());
            String kid = ring.keys().getFirst().keyId().value();
            assertEquals(rotated.primary().keyId(), DatabaseScan.envelope(envelopeOf(store, "tokens", kid)).masterKeyId());
            KeyRing reloaded = keys(store).loadRing("tokens"); // a fresh instance, as on another node
            assertTrue(ring.signingKey().orElseThrow().exportPrivateJwk()
                    .equalsConstantTime(reloaded.signingKey().orElseThrow().exportPrivateJwk()));
            assertEquals(rotated.primary().keyId(), keys(store).masterKeys().primary().keyId());
        }
    }

    /**
     * AAD = ring + kid: a sealed private key copied onto another key's row must not open as that key. The row
     * MAC refuses the edited row first; the envelope's AAD is the second line of defence.
     */
    @BothDatabases
    void envelopeMovedToAnotherRowIsNeverUsed(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            SigningKey a = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("a"), T0);
            SigningKey b = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("b"), T0);
            keys.updateRing("r", r -> KeyRing.of(List.of(a, b)));
            byte[] sealedA = envelopeOf(store, "r", "a");
            sql(store, "UPDATE signing_keys SET private_jwk_envelope = ? WHERE kid = 'b'", sealedA);
            assertEquals(List.of(a.keyId()), keyIds(keys.loadRing("r")));
        }
    }

    /** A database writer without the root key inserts a verification key of their own: it is never trusted. */
    @BothDatabases
    void signingKeyRowInjectedWithoutTheRootKeyIsIgnoredThenDeleted(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            keys.updateRing("tokens", r -> rotation().advance(r, T0));
            SigningKey forged = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("attacker"), T0);
            for (String mac : new String[] {null, "v1:AAAA", storedMac(store, keys.loadRing("tokens").keys().getFirst().keyId().value())}) {
                sql(store, "DELETE FROM signing_keys WHERE kid = 'attacker'");
                sql(store, "INSERT INTO signing_keys (ring_name, kid, ring_order, algorithm, state, created_at,"
                        + " activated_at, public_jwk, row_mac) VALUES ('tokens', 'attacker', 1, 'ES256', 'ACTIVE', ?, ?, ?, ?)",
                        java.time.OffsetDateTime.ofInstant(T0, ZoneOffset.UTC), java.time.OffsetDateTime.ofInstant(T0, ZoneOffset.UTC),
                        forged.publicJwkJson(), mac);
                KeyRing loaded = keys.loadRing("tokens");
                assertEquals(1, loaded.keys().size(), "forged row with MAC " + mac + " was trusted");
                assertFalse(loaded.publicJwkSetJson().contains("attacker"));
            }
            keys.updateRing("tokens", r -> r);
            assertEquals(0L, StoreTest.count(store, "SELECT COUNT(*) FROM signing_keys WHERE kid = 'attacker'"));
        }
    }

    /** Reviving a RETIRED key by editing its state column breaks the row's MAC. */
    @BothDatabases
    void signingKeyStateEditedInTheDatabaseIsRefused(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            SigningKey a = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("a"), T0);
            keys.updateRing("r", r -> KeyRing.of(List.of(a)));
            sql(store, "UPDATE signing_keys SET algorithm = 'RS256' WHERE kid = 'a'");
            assertTrue(keys.loadRing("r").keys().isEmpty());
        }
    }

    @BothDatabases
    void rowMacsSurviveMasterKeyRotation(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            keys.updateRing("tokens", r -> rotation().advance(r, T0));
            keys.rotateMasterKey();
            assertEquals(1, keys(store).loadRing("tokens").keys().size());
        }
    }

    private static List<KeyId> keyIds(KeyRing ring) {
        return ring.keys().stream().map(SigningKey::keyId).toList();
    }

    private static String storedMac(Store store, String kid) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT row_mac FROM signing_keys WHERE kid = ?")) {
                ps.setString(1, kid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1); // a valid MAC, but of another row: replaying it must not help
                }
            }
        });
    }

    private static void sql(Store store, String sql, Object... args) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    @BothDatabases
    void failingChangeWritesNothing(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            keys.updateRing("tokens", r -> rotation().advance(r, T0));
            assertThrows(IllegalStateException.class, () -> keys.updateRing("tokens", r -> {
                throw new IllegalStateException("change failed");
            }));
            assertEquals(1L, StoreTest.count(store, "SELECT version FROM key_rings WHERE name = 'tokens'"));
            KeyRing same = keys.loadRing("tokens");
            assertSame(KeyState.ACTIVE, same.keys().getFirst().state());
        }
    }

    @BothDatabases
    void reusingAKeyIdForADifferentKeyIsRejected(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            keys.updateRing("r", r -> KeyRing.of(List.of(SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k"), T0))));
            SigningKey impostor = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("k"), T0);
            assertThrows(IllegalArgumentException.class, () -> keys.updateRing("r", r -> KeyRing.of(List.of(impostor))));
        }
    }

    @org.junit.jupiter.api.Test
    void invalidRingNamesAreRejected() {
        try (Store store = Store.open(TestDatabase.H2.freshConfig(tmp))) {
            KeyMaterialStore keys = keys(store);
            for (String bad : List.of("", "a/b", "tokens\u0000", "x".repeat(65), "ring name")) {
                assertThrows(IllegalArgumentException.class, () -> keys.loadRing(bad), bad);
                assertThrows(IllegalArgumentException.class, () -> keys.updateRing(bad, r -> r), bad);
            }
        }
    }

    // --- helpers ---

    static KeyRotation rotation() {
        return new KeyRotation(new RotationPolicy(SigningAlgorithm.ES256, Duration.ofDays(30), Duration.ofDays(1),
                Duration.ofDays(1), Duration.ofSeconds(60)));
    }

    private static KeyRing ringWith(KeyRing ring, SigningKey key) {
        List<SigningKey> next = new ArrayList<>(ring.keys());
        next.add(key);
        return KeyRing.of(next);
    }

    private static List<SigningKey> pregenerated(int n) {
        List<SigningKey> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SigningKey.generate(SigningAlgorithm.ES256, KeyId.random(), T0));
        }
        return out;
    }

    private static void appendAll(KeyMaterialStore keys, List<SigningKey> toAdd) {
        for (SigningKey k : toAdd) {
            keys.updateRing("tokens", r -> {
                sleep(20);
                return ringWith(r, k);
            });
        }
    }

    static byte[] envelopeOf(Store store, String ring, String kid) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT private_jwk_envelope FROM signing_keys WHERE ring_name = ? AND kid = ?")) {
                ps.setString(1, ring);
                ps.setString(2, kid);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    return rs.getBytes(1);
                }
            }
        });
    }

    /** @return a JWK member's string value (test-only: the private JWK's {@code "d"}) */
    private static String jwkMember(SigningKey key, String member) {
        String json = new String(key.exportPrivateJwk().revealCopy(), StandardCharsets.UTF_8);
        String marker = "\"" + member + "\":\"";
        int start = json.indexOf(marker) + marker.length();
        return json.substring(start, json.indexOf('"', start));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
