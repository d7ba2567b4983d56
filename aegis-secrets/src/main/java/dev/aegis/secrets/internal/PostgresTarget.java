package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The PostgreSQL server a database mount manages: connecting to it by the URL forms Vault accepts, and the only
 * user names that may go between double quotes in its SQL.
 */
final class PostgresTarget {
    private PostgresTarget() {
    }

    /** Vault's {@code postgresql://{{username}}:{{password}}@host:port/db} or a JDBC URL. */
    static Connection connect(ObjectNode cfg) throws SQLException {
        String url = cfg.path("connection_url").asText();
        url = url.replace("{{username}}:{{password}}@", "").replace("{{username}}@", "");
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            url = "jdbc:postgresql://" + url.substring(url.indexOf("://") + 3);
        }
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new SQLException("unsupported connection URL", "08001");
        }
        Properties props = new Properties();
        props.setProperty("user", cfg.path("username").asText());
        props.setProperty("password", cfg.path("password").asText());
        props.setProperty("connectTimeout", "10");
        Connection c = new org.postgresql.Driver().connect(url, props);
        if (c == null) {
            throw new SQLException("unsupported connection URL", "08001");
        }
        return c;
    }

    static boolean isSafeName(String user) {
        if (user.isEmpty() || user.length() > 63) {
            return false;
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false; // goes between double quotes in SQL: only these characters, never a quote
            }
        }
        return true;
    }
}
