package dev.aegis.secrets.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL of {@code secrets_seal}, {@code secrets_keyring} and {@code secrets_internal}. */
final class KeyringRows {
    private KeyringRows() {
    }

    record SealRow(String type, int shares, int threshold, byte[] rootCheck) {
    }

    record KeyRow(String kid, long generation, byte[] wrapped, Instant createdAt) {
    }

    static SealRow loadSeal(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seal_type, shares, threshold, root_check FROM secrets_seal WHERE id = 'barrier'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new SealRow(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBytes(4)) : null;
        }
    }

    static boolean insertSeal(Connection c, SealRow row, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_seal (id, seal_type, shares, threshold,"
                + " root_check, created_at) VALUES ('barrier', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, row.type());
            ps.setInt(2, row.shares());
            ps.setInt(3, row.threshold());
            ps.setBytes(4, row.rootCheck());
            SqlValues.bind(ps, 5, now);
            return ps.executeUpdate() == 1;
        }
    }

    static List<KeyRow> loadKeys(Connection c) throws SQLException {
        List<KeyRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT kid, generation, wrapped_key, created_at FROM secrets_keyring ORDER BY generation");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new KeyRow(rs.getString(1), rs.getLong(2), rs.getBytes(3), SqlValues.instant(rs, 4)));
            }
        }
        return rows;
    }

    static boolean insertKey(Connection c, KeyRow row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO secrets_keyring (kid, generation, wrapped_key,"
                + " created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, row.kid());
            ps.setLong(2, row.generation());
            ps.setBytes(3, row.wrapped());
            SqlValues.bind(ps, 4, row.createdAt());
            return ps.executeUpdate() == 1;
        }
    }

    static byte[] loadInternal(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT envelope FROM secrets_internal WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    static void insertInternal(Connection c, String name, byte[] envelope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO secrets_internal (name, envelope) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, name);
            ps.setBytes(2, envelope);
            ps.executeUpdate();
        }
    }

    static void updateInternal(Connection c, String name, byte[] envelope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE secrets_internal SET envelope = ? WHERE name = ?")) {
            ps.setBytes(1, envelope);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }
}
