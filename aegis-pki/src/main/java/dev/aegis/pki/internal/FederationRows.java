package dev.aegis.pki.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL of {@code pki_federations}. */
public final class FederationRows {

    /** One federated trust domain. */
    public record Row(String trustDomain, String endpoint, String spkiPin, String bundleJson, Instant refreshedAt) {
    }

    private FederationRows() {
    }

    public static void upsert(Connection c, String domain, String endpoint, String pin, String bundle, long sequence,
                              Instant now, String actor) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM pki_federations WHERE trust_domain = ?")) {
            del.setString(1, domain);
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pki_federations (trust_domain, endpoint_url, spki_pin,"
                + " bundle_json, sequence, refreshed_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, domain);
            ps.setString(2, endpoint);
            ps.setString(3, pin);
            ps.setString(4, bundle);
            ps.setLong(5, sequence);
            Sql.bind(ps, 6, now);
            Sql.bind(ps, 7, now);
            ps.setString(8, actor);
            ps.executeUpdate();
        }
    }

    public static void refreshed(Connection c, String domain, String bundle, long sequence, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE pki_federations SET bundle_json = ?, sequence = ?, refreshed_at = ? WHERE trust_domain = ?")) {
            ps.setString(1, bundle);
            ps.setLong(2, sequence);
            Sql.bind(ps, 3, now);
            ps.setString(4, domain);
            ps.executeUpdate();
        }
    }

    public static boolean delete(Connection c, String domain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pki_federations WHERE trust_domain = ?")) {
            ps.setString(1, domain);
            return ps.executeUpdate() == 1;
        }
    }

    public static List<Row> all(Connection c) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT trust_domain, endpoint_url, spki_pin, bundle_json, refreshed_at"
                + " FROM pki_federations ORDER BY trust_domain"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Sql.instant(rs, "refreshed_at")));
            }
        }
        return out;
    }
}
