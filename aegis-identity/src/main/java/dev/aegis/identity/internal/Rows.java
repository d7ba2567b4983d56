package dev.aegis.identity.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** JDBC value conversions shared by the identity tables (timestamps as UTC, lists space-separated). */
final class Rows {

    private Rows() {
    }

    static void setInstant(PreparedStatement s, int index, Instant t) throws SQLException {
        s.setObject(index, t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }

    static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static String joinList(Iterable<String> items) {
        return String.join(" ", items);
    }

    static List<String> list(String joined) {
        List<String> out = new ArrayList<>();
        if (joined == null || joined.isEmpty()) {
            return out;
        }
        for (String s : joined.split(" ")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    static Set<String> set(String joined) {
        return new LinkedHashSet<>(list(joined));
    }
}
