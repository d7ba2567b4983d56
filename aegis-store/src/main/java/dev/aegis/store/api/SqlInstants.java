package dev.aegis.store.api;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Instants in and out of {@code TIMESTAMP WITH TIME ZONE} columns as UTC {@link OffsetDateTime}s (JDBC 4.2), so
 * neither the JVM's nor the session's time zone changes a value. Values are truncated to microseconds, the
 * columns' precision on both databases, here rather than rounded by the database, so what is written is exactly
 * what {@link #read} returns.
 */
final class SqlInstants {

    private SqlInstants() {
    }

    static Instant stored(Instant value) {
        return value == null ? null : value.truncatedTo(ChronoUnit.MICROS);
    }

    static void bind(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(stored(value), ZoneOffset.UTC));
        }
    }

    static Instant read(ResultSet rs, int index) throws SQLException {
        OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
