package dev.aegis.store.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.store.api.TestDatabase.BothDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

    static final List<String> FOUNDATION_TABLES = List.of("master_keys", "key_rings", "signing_keys",
            "audit_records", "audit_chain_head", "audit_checkpoints", "bootstrap_credentials");

    @TempDir
    Path tmp;

    @BothDatabases
    void migrationCreatesAllFoundationTables(TestDatabase db) throws SQLException {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            assertEquals(MigrationScriptsTest.newestVersion(), store.schemaVersion());
            assertEquals(Dialect.valueOf(db.name()), store.dialect());
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
                for (String table : FOUNDATION_TABLES) {
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                        assertTrue(rs.next());
                        assertEquals(0, rs.getLong(1), table);
                    }
                }
            }
        }
    }

    @BothDatabases
    void reopeningAMigratedDatabaseAppliesNothingTwice(TestDatabase db) throws SQLException {
        StoreConfig config = db.freshConfig(tmp);
        Store.open(config).close();
        try (Store store = Store.open(config)) {
            assertEquals(MigrationScriptsTest.newestVersion(), store.schemaVersion());
            long applied = store.inTransaction(c -> count(c, "SELECT COUNT(*) FROM flyway_schema_history"
                    + " WHERE success = TRUE AND version IS NOT NULL"));
            assertEquals(MigrationScripts.SCRIPTS.size(), applied);
        }
    }

    @BothDatabases
    void committedWorkIsVisibleAndTypesRoundTrip(TestDatabase db) {
        Instant at = Instant.parse("2026-11-24T10:15:30.123456789Z");
        byte[] blob = {0, 1, (byte) 0xff, 42};
        try (Store store = Store.open(db.freshConfig(tmp))) {
            store.inTransaction(c -> insertMasterKeyRow(c, "k1", 1, blob, at));
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT wrapped_key, created_at FROM master_keys WHERE kid = 'k1'");
                     ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertArrayEquals(blob, rs.getBytes(1));
                    assertEquals(Instant.parse("2026-11-24T10:15:30.123456Z"), SqlInstants.read(rs, 2));
                }
                return null;
            });
        }
    }

    @BothDatabases
    void exceptionHalfwayRollsBackEverything(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> store.inTransaction(c -> {
                insertCredential(c, "first");
                insertCredential(c, "second");
                throw new IllegalStateException("crash after two writes");
            }));
            assertEquals("crash after two writes", thrown.getMessage());
            assertEquals(0, countCredentials(store));
        }
    }

    @BothDatabases
    void failingStatementHalfwayRollsBackEarlierWrites(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            StoreException e = assertThrows(StoreException.class, () -> store.inTransaction(c -> {
                insertCredential(c, "first");
                insertCredential(c, "first"); // duplicate primary key: the statement fails
                return null;
            }));
            assertTrue(e.getMessage().contains("SQLState 23505"), e.getMessage());
            assertEquals(0, countCredentials(store));
            store.inTransaction(c -> insertCredential(c, "after")); // the pool is still usable
            assertEquals(1, countCredentials(store));
        }
    }

    @BothDatabases
    void databaseRefusesPrivateMaterialOnDestroyedKeys(TestDatabase db) {
        try (Store store = Store.open(db.freshConfig(tmp))) {
            store.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO key_rings (name, version, updated_at)"
                            + " VALUES ('r', 0, TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00')");
                }
                return null;
            });
            assertThrows(StoreException.class, () -> store.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO signing_keys (ring_name, kid, ring_order, algorithm, state,"
                            + " created_at, public_jwk, private_jwk_envelope) VALUES ('r', 'k', 0, 'ES256',"
                            + " 'DESTROYED', TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00', '{}', X'00')");
                }
                return null;
            }));
        }
    }

    @BothDatabases
    void healthyUntilClosed(TestDatabase db) {
        Store store = Store.open(db.freshConfig(tmp));
        assertTrue(store.healthy());
        store.close();
        assertFalse(store.healthy());
        assertThrows(StoreException.class, () -> store.inTransaction(c -> null));
        store.close(); // idempotent
    }

    static long count(Store store, String sql) {
        Long n = store.inTransaction(c -> count(c, sql));
        return n;
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long countCredentials(Store store) {
        return store.inTransaction(c -> count(c, "SELECT COUNT(*) FROM bootstrap_credentials"));
    }

    private static Void insertCredential(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bootstrap_credentials"
                + " (id, credential_hash, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, "hmac-sha256:" + id);
            SqlInstants.bind(ps, 3, Instant.now());
            ps.executeUpdate();
        }
        return null;
    }

    private static Void insertMasterKeyRow(Connection c, String kid, long gen, byte[] wrapped, Instant at)
            throws SQLException {
        MasterKeyRows.insertIfAbsent(c, kid, gen, wrapped, at);
        return null;
    }
}
