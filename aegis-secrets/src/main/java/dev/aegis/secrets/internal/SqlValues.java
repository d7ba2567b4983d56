package dev.aegis.secrets.internal;

import dev.aegis.store.api.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Instants in and out of {@code TIMESTAMP WITH TIME ZONE} columns as UTC, truncated to the columns' microseconds;
 * the names of a mount's rows.
 */
final class SqlValues {
    private SqlValues() {
    }

    static void bind(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(value.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        }
    }

    static Instant instant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * @param table a {@code secrets_*} table with {@code mount_uuid} and {@code name} columns (a constant, never input)
     * @return the names of the mount's rows in that table, sorted (for LIST)
     */
    static List<String> namesOf(Store store, String table, Mount mount) {
        return store.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name FROM " + table + " WHERE mount_uuid = ? ORDER BY name")) {
                ps.setString(1, mount.uuid());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }
}
