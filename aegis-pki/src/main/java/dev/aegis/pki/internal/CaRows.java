package dev.aegis.pki.internal;

import dev.aegis.pki.api.CaGeneration;
import dev.aegis.sdk.internal.Certificates;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL of {@code pki_ca_generations}. */
final class CaRows {

    /** One stored generation; the intermediate key is still sealed. */
    record Row(String id, long number, CaGeneration.State state, X509Certificate root, X509Certificate intermediate,
               byte[] sealedKey, Instant createdAt, Instant activatesAt, Instant retiredAt, Instant trustedUntil,
               Instant notAfter) {
    }

    private CaRows() {
    }

    static List<Row> load(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, generation, state, root_der, intermediate_der, intermediate_key,"
                + " created_at, activates_at, retired_at, trusted_until, not_after FROM pki_ca_generations ORDER BY generation");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getString("id"), rs.getLong("generation"), CaGeneration.State.valueOf(rs.getString("state")),
                        Certificates.fromDer(rs.getBytes("root_der")), Certificates.fromDer(rs.getBytes("intermediate_der")),
                        rs.getBytes("intermediate_key"), Sql.instant(rs, "created_at"), Sql.instant(rs, "activates_at"),
                        Sql.instant(rs, "retired_at"), Sql.instant(rs, "trusted_until"), Sql.instant(rs, "not_after")));
            }
        }
        return rows;
    }

    static void insert(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pki_ca_generations (id, generation, state, root_der,"
                + " intermediate_der, intermediate_key, created_at, activates_at, retired_at, trusted_until, not_after)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setLong(2, r.number());
            ps.setString(3, r.state().name());
            ps.setBytes(4, der(r.root()));
            ps.setBytes(5, der(r.intermediate()));
            ps.setBytes(6, r.sealedKey());
            Sql.bind(ps, 7, r.createdAt());
            Sql.bind(ps, 8, r.activatesAt());
            Sql.bind(ps, 9, r.retiredAt());
            Sql.bind(ps, 10, r.trustedUntil());
            Sql.bind(ps, 11, r.notAfter());
            ps.executeUpdate();
        }
    }

    static void activate(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pki_ca_generations SET state = 'ACTIVE' WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    static void retire(Connection c, String id, Instant at, Instant trustedUntil) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE pki_ca_generations SET state = 'RETIRED', retired_at = ?, trusted_until = ? WHERE id = ?")) {
            Sql.bind(ps, 1, at);
            Sql.bind(ps, 2, trustedUntil);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    /** A retired generation whose last SVID has expired leaves the bundle; its sealed key goes with the row. */
    static void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pki_ca_generations WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static byte[] der(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a CA certificate", e);
        }
    }
}
