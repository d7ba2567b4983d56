package dev.aegis.store.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL over {@code master_keys}. Stateless; every method runs in the caller's transaction. */
final class MasterKeyRows {

    /** A stored master key: still wrapped by the root key. */
    record Row(String kid, long generation, byte[] wrappedKey) {
    }

    private MasterKeyRows() {
    }

    /** @return all master keys, oldest generation first */
    static List<Row> loadAll(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT kid, generation, wrapped_key FROM master_keys ORDER BY generation");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getLong(2), rs.getBytes(3)));
            }
        }
        return rows;
    }

    /**
     * Inserts a master key unless its generation (or kid) is taken, which happens when another node created or
     * rotated at the same moment: then nothing is written and the caller reloads the winner's key.
     *
     * @return whether this row was inserted
     */
    static boolean insertIfAbsent(Connection c, String kid, long generation, byte[] wrappedKey, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO master_keys (kid, generation, wrapped_key,"
                + " created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, kid);
            ps.setLong(2, generation);
            ps.setBytes(3, wrappedKey);
            SqlInstants.bind(ps, 4, now);
            return ps.executeUpdate() == 1;
        }
    }
}
