package dev.aegis.secrets.internal;

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
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Root credential rotation of the database secrets engine ({@code rotate-root/<name>} and the scheduled
 * {@code rotation_period}): gives a connection's own database user a new random password that only Aegis knows.
 * Runs under the connection row's lock, so two nodes never rotate at once (which would leave PostgreSQL and the
 * stored password disagreeing); PostgreSQL is changed first, the sealed configuration in the same locked
 * transaction. Thread-safe.
 */
final class DatabaseRootRotation {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseRootRotation.class);

    private final Store store;
    private final Barrier barrier;
    private final Clock clock;

    DatabaseRootRotation(Store store, Barrier barrier, Clock clock) {
        this.store = store;
        this.barrier = barrier;
        this.clock = clock;
    }

    /**
     * Scheduled rotation: rotates every connection whose {@code rotation_period} has passed since its last
     * change. Called by the reaper; the connection row lock and the re-check make it safe on several nodes.
     *
     * @return how many were rotated
     */
    int rotateDue() {
        record Due(String mount, String name) {
        }
        List<Due> all = store.inTransaction(c -> {
            List<Due> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT mount_uuid, name FROM secrets_db_connections");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Due(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        });
        int rotated = 0;
        for (Due d : all) {
            try {
                rotated += rotate(d.mount(), d.name(), clock.instant()) ? 1 : 0;
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("connection", d.name())
                        .addKeyValue("error", e.getClass().getSimpleName()).log("scheduled root rotation failed; will retry");
            }
        }
        return rotated;
    }

    /** @param dueAt {@code null}: rotate now; else only if {@code rotation_period} has passed by then */
    boolean rotate(String mountUuid, String name, Instant dueAt) {
        Mount m = new Mount("", "secret", "database", "", mountUuid, "", VaultJson.object(), null);
        return store.inTransaction(c -> {
            byte[] envelope;
            Instant updated;
            try (PreparedStatement ps = c.prepareStatement("SELECT config, updated_at FROM secrets_db_connections"
                    + " WHERE mount_uuid = ? AND name = ? FOR UPDATE")) {
                ps.setString(1, mountUuid);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    envelope = rs.getBytes(1);
                    updated = SqlValues.instant(rs, 2);
                }
            }
            ObjectNode cfg;
            byte[] plain = barrier.decrypt(envelope, DatabaseEngine.aad(m, name));
            try {
                cfg = (ObjectNode) VaultJson.MAPPER.readTree(plain);
            } catch (IOException e) {
                throw new IllegalStateException("stored database connection is malformed", e);
            } finally {
                java.util.Arrays.fill(plain, (byte) 0);
            }
            long period = cfg.path("rotation_period").asLong(0);
            if (dueAt != null && (period <= 0 || updated.plusSeconds(period).isAfter(dueAt))) {
                return false;
            }
            String user = cfg.path("username").asText();
            if (!PostgresTarget.isSafeName(user)) {
                throw VaultError.badRequest("the connection's username cannot be rotated safely");
            }
            String password = "A1a-" + SecureIds.token(24).replace('-', 'x').replace('_', 'y');
            try (Connection target = PostgresTarget.connect(cfg); Statement s = target.createStatement()) {
                s.execute("ALTER ROLE \"" + user + "\" WITH PASSWORD '" + password + "'");
            } catch (SQLException e) {
                throw VaultError.badRequest("error rotating the root credential (SQLState " + e.getSQLState() + ")");
            }
            cfg.put("password", password);
            try (PreparedStatement ps = c.prepareStatement("UPDATE secrets_db_connections SET config = ?, updated_at = ?"
                    + " WHERE mount_uuid = ? AND name = ?")) {
                ps.setBytes(1, barrier.encrypt(VaultJson.write(cfg).getBytes(StandardCharsets.UTF_8), DatabaseEngine.aad(m, name)));
                SqlValues.bind(ps, 2, clock.instant());
                ps.setString(3, mountUuid);
                ps.setString(4, name);
                ps.executeUpdate();
            }
            LOG.atInfo().addKeyValue("connection", name)
                    .log("database root credential rotated");
            return true;
        });
    }
}
