package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database secrets engine against a real PostgreSQL (embedded server of the store's test fixture): the user
 * is created on read, works, and is dropped when its lease expires, is revoked, or its token is revoked.
 */
class DynamicPostgresCredentialsTest {
    static SecretsHarness h;
    static String root;
    static StoreConfig target;

    @BeforeAll
    static void configure() {
        h = SharedHarnesses.h2();
        root = h.rootToken();
        target = PostgresTestServer.freshDatabase();
        h.call("POST", "sys/mounts/database", root, "{\"type\":\"database\"}");
        String url = target.jdbcUrl().replace("jdbc:postgresql://", "postgresql://{{username}}:{{password}}@");
        SecretsHarness.Resp cfg = h.call("POST", "database/config/app", root, "{\"plugin_name\":\"postgresql-database-plugin\","
                + "\"connection_url\":\"" + url + "\",\"username\":\"postgres\",\"password\":\"postgres\",\"allowed_roles\":[\"*\"]}");
        assertEquals(204, cfg.status(), cfg.body());
        for (String[] role : new String[][] {{"short", "2s", "2s"}, {"long", "1h", "2h"}}) {
            SecretsHarness.Resp r = h.call("POST", "database/roles/" + role[0], root, "{\"db_name\":\"app\","
                    + "\"creation_statements\":[\"CREATE ROLE \\\"{{name}}\\\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"
                    + " GRANT CONNECT ON DATABASE " + databaseName() + " TO \\\"{{name}}\\\";\"],"
                    + "\"default_ttl\":\"" + role[1] + "\",\"max_ttl\":\"" + role[2] + "\"}");
            assertEquals(204, r.status(), r.body());
        }
    }

    private static String databaseName() {
        String url = target.jdbcUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static boolean roleExists(String user) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + user + "'")) {
            return rs.next();
        }
    }

    private static Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", "postgres");
        return DriverManager.getConnection(target.jdbcUrl(), p);
    }

    private static Connection as(JsonNode creds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", creds.path("username").asText());
        p.setProperty("password", creds.path("password").asText());
        return DriverManager.getConnection(target.jdbcUrl(), p);
    }

    @Test
    void expiredLeaseDropsThePostgresUser() throws Exception {
        SecretsHarness.Resp creds = h.call("GET", "database/creds/short", root, null);
        assertEquals(200, creds.status(), creds.body());
        assertTrue(creds.json().path("lease_id").asText().startsWith("database/creds/short/"));
        assertEquals(2, creds.json().path("lease_duration").asInt());
        JsonNode data = creds.data();
        String user = data.path("username").asText();
        try (Connection c = as(data)) {
            assertTrue(c.isValid(2), "the dynamic user can log in");
        }
        assertTrue(roleExists(user));
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (roleExists(user) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertFalse(roleExists(user), "the reaper dropped the user when the lease expired");
        assertThrows(SQLException.class, () -> as(data).close());
        assertEquals(400, h.call("PUT", "sys/leases/lookup", root,
                "{\"lease_id\":\"" + creds.json().path("lease_id").asText() + "\"}").status());
    }

    private static Instant validUntil(String user) throws SQLException {
        try (Connection c = admin();
             PreparedStatement ps = c.prepareStatement("SELECT rolvaliduntil FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "the user exists");
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            }
        }
    }

    private static void assertAbout(Instant expected, Instant actual, String what) {
        assertTrue(Duration.between(expected, actual).abs().compareTo(Duration.ofSeconds(30)) < 0,
                what + ": expected about " + expected + ", PostgreSQL has " + actual);
    }

    @Test
    void renewingALeaseMovesThePostgresUsersValidUntil() throws Exception {
        Instant start = Instant.now();
        SecretsHarness.Resp creds = h.call("GET", "database/creds/long", root, null);
        assertEquals(200, creds.status(), creds.body());
        String user = creds.data().path("username").asText();
        String lease = creds.json().path("lease_id").asText();
        assertAbout(start.plus(Duration.ofHours(1)), validUntil(user), "created valid for its lease (default_ttl 1h)");

        SecretsHarness.Resp renewed = h.call("PUT", "sys/leases/renew", root,
                "{\"lease_id\":\"" + lease + "\",\"increment\":\"90m\"}");
        assertEquals(200, renewed.status(), renewed.body());
        assertAbout(Instant.now().plus(Duration.ofMinutes(90)), validUntil(user), "renewed by 90m");

        assertEquals(200, h.call("PUT", "sys/leases/renew", root,
                "{\"lease_id\":\"" + lease + "\",\"increment\":\"5h\"}").status());
        assertAbout(start.plus(Duration.ofHours(2)), validUntil(user), "never past max_ttl (2h)");
        as(creds.data()).close(); // still logs in
        assertEquals(204, h.call("PUT", "sys/leases/revoke", root, "{\"lease_id\":\"" + lease + "\"}").status());
    }

    @Test
    void aRenewalPostgresRefusesLeavesTheLeaseAsItWas() throws Exception {
        SecretsHarness.Resp creds = h.call("GET", "database/creds/long", root, null);
        String user = creds.data().path("username").asText();
        String lease = creds.json().path("lease_id").asText();
        String before = h.call("PUT", "sys/leases/lookup", root, "{\"lease_id\":\"" + lease + "\"}").data()
                .path("expire_time").asText();
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP OWNED BY \"" + user + "\"; DROP ROLE \"" + user + "\""); // gone behind Aegis's back
        }
        SecretsHarness.Resp renewed = h.call("PUT", "sys/leases/renew", root,
                "{\"lease_id\":\"" + lease + "\",\"increment\":\"90m\"}");
        assertEquals(400, renewed.status(), renewed.body());
        assertTrue(renewed.body().contains("error renewing the database user"), renewed.body());
        assertEquals(before, h.call("PUT", "sys/leases/lookup", root, "{\"lease_id\":\"" + lease + "\"}").data()
                .path("expire_time").asText(), "the lease keeps its expiry");
        assertEquals(204, h.call("PUT", "sys/leases/revoke", root, "{\"lease_id\":\"" + lease + "\"}").status());
    }

    @Test
    void revokeRenewAndRevokingTheTokenRevokesItsLeases() throws Exception {
        SecretsHarness.Resp creds = h.call("GET", "database/creds/long", root, null);
        String lease = creds.json().path("lease_id").asText();
        JsonNode looked = h.call("PUT", "sys/leases/lookup", root, "{\"lease_id\":\"" + lease + "\"}").data();
        assertTrue(looked.path("renewable").asBoolean());
        SecretsHarness.Resp renewed = h.call("PUT", "sys/leases/renew", root, "{\"lease_id\":\"" + lease + "\",\"increment\":\"3h\"}");
        assertTrue(renewed.json().path("lease_duration").asLong() <= 7200, "renewal is capped at max_ttl");
        assertEquals(204, h.call("PUT", "sys/leases/revoke", root, "{\"lease_id\":\"" + lease + "\"}").status());
        assertFalse(roleExists(creds.data().path("username").asText()));
        assertEquals(204, h.call("PUT", "sys/leases/revoke", root, "{\"lease_id\":\"" + lease + "\"}").status(),
                "revocation is idempotent");

        h.call("PUT", "sys/policies/acl/db-user", root,
                "{\"policy\":\"path \\\"database/creds/long\\\" { capabilities = [\\\"read\\\"] }\"}");
        String t = h.call("POST", "auth/token/create", root, "{\"policies\":[\"db-user\"]}").json().path("auth")
                .path("client_token").asText();
        String u1 = h.call("GET", "database/creds/long", t, null).data().path("username").asText();
        String u2 = h.call("GET", "database/creds/long", t, null).data().path("username").asText();
        assertTrue(roleExists(u1) && roleExists(u2));
        assertEquals(204, h.call("POST", "auth/token/revoke-self", t, null).status());
        assertFalse(roleExists(u1) || roleExists(u2), "revoking a token revokes its leases");
    }

    @Test
    void revokePrefixDropsEveryUserOfTheRole() throws Exception {
        String a = h.call("GET", "database/creds/long", root, null).data().path("username").asText();
        String b = h.call("GET", "database/creds/long", root, null).data().path("username").asText();
        assertEquals(204, h.call("PUT", "sys/leases/revoke-prefix/database/creds/long", root, null).status());
        assertFalse(roleExists(a) || roleExists(b));
    }

    @Test
    void rotateRootGivesTheConnectionUserAPasswordOnlyAegisKnows() throws Exception {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE aegis_admin WITH LOGIN CREATEROLE PASSWORD 'initial-admin-pw'");
        }
        String url = target.jdbcUrl().replace("jdbc:postgresql://", "postgresql://{{username}}:{{password}}@");
        assertEquals(204, h.call("POST", "database/config/rotating", root, "{\"connection_url\":\"" + url
                + "\",\"username\":\"aegis_admin\",\"password\":\"initial-admin-pw\",\"allowed_roles\":\"*\"}").status());
        String before = passwordHash("aegis_admin");
        assertEquals(204, h.call("POST", "database/rotate-root/rotating", root, null).status());
        String after = passwordHash("aegis_admin");
        assertFalse(before.equals(after), "PostgreSQL holds a new password hash");
        assertFalse(h.call("GET", "database/config/rotating", root, null).body().contains("initial-admin-pw"));
        SecretsHarness.Resp role = h.call("POST", "database/roles/rotated", root, "{\"db_name\":\"rotating\","
                + "\"creation_statements\":\"CREATE ROLE \\\"{{name}}\\\" WITH LOGIN PASSWORD '{{password}}';\"}");
        assertEquals(204, role.status(), role.body());
        SecretsHarness.Resp creds = h.call("GET", "database/creds/rotated", root, null);
        assertEquals(200, creds.status(), "the rotated password is the one Aegis now uses: " + creds.body());
        h.call("PUT", "sys/leases/revoke", root, "{\"lease_id\":\"" + creds.json().path("lease_id").asText() + "\"}");
    }

    @Test
    void scheduledRootRotationHappensWhenTheRotationPeriodHasPassed() throws Exception {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE aegis_sched WITH LOGIN CREATEROLE PASSWORD 'sched-pw'");
        }
        String url = target.jdbcUrl().replace("jdbc:postgresql://", "postgresql://{{username}}:{{password}}@");
        assertEquals(204, h.call("POST", "database/config/scheduled", root, "{\"connection_url\":\"" + url
                + "\",\"username\":\"aegis_sched\",\"password\":\"sched-pw\",\"rotation_period\":\"1s\"}").status());
        String before = passwordHash("aegis_sched");
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (before.equals(passwordHash("aegis_sched")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertFalse(before.equals(passwordHash("aegis_sched")), "the reaper rotated the root credential");
    }

    private static String passwordHash(String role) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theConnectionPasswordIsNeverReturned() {
        SecretsHarness.Resp cfg = h.call("GET", "database/config/app", root, null);
        assertEquals(200, cfg.status());
        assertFalse(cfg.body().contains("\"password\""), cfg.body());
        assertEquals(UUID.class, UUID.randomUUID().getClass());
    }
}
