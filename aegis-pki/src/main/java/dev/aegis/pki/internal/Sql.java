package dev.aegis.pki.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Instants as UTC {@code TIMESTAMP WITH TIME ZONE} (microseconds, as both databases store them) and counters. */
final class Sql {

    private Sql() {
    }

    static void bind(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(value.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
        return v == null ? null : v.toInstant();
    }

    /** Locks the counter row (creating it at 0) and returns its value. */
    static long lockCounter(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pki_counters (name, counter_value) VALUES (?, 0) ON CONFLICT DO NOTHING")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT counter_value FROM pki_counters WHERE name = ? FOR UPDATE")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Increments a counter (the caller holds its lock or accepts the race) and returns the new value. */
    static long bump(Connection c, String name) throws SQLException {
        long v = lockCounter(c, name) + 1;
        try (PreparedStatement ps = c.prepareStatement("UPDATE pki_counters SET counter_value = ? WHERE name = ?")) {
            ps.setLong(1, v);
            ps.setString(2, name);
            ps.executeUpdate();
        }
        return v;
    }

    static long counter(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT counter_value FROM pki_counters WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
