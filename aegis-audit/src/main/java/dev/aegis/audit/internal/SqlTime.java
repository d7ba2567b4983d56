package dev.aegis.audit.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants in and out of the audit tables' {@code TIMESTAMP WITH TIME ZONE} columns as {@link OffsetDateTime}
 * in UTC (JDBC 4.2), so neither the JVM's nor the session's time zone can change a value, and a record read
 * back hashes exactly as written (the event already carries microsecond precision, the columns' precision).
 */
final class SqlTime {

    private SqlTime() {
    }

    static void bind(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
    }

    static Instant read(ResultSet rs, int index) throws SQLException {
        OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
