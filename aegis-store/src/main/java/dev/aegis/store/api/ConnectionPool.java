package dev.aegis.store.api;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the HikariCP pool of a {@link StoreConfig} and turns a failed first connection into a
 * {@link StoreException} that names the database but never the password.
 *
 * <p>The pool connects once at start ({@code initializationFailTimeout}), so a wrong host, port, user or
 * password fails {@link Store#open} at once instead of at the first request.
 */
final class ConnectionPool {

    private static final long CONNECTION_TIMEOUT_MS = 10_000;

    private ConnectionPool() {
    }

    static HikariDataSource start(StoreConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("aegis-store");
        hc.setJdbcUrl(config.jdbcUrl());
        // Named explicitly: DriverManager only offers drivers visible to the thread's context class loader,
        // which is the wrong one when the store is loaded by an application server's or plug-in class loader.
        hc.setDriverClassName(config.embedded() ? "org.h2.Driver" : "org.postgresql.Driver");
        hc.setUsername(config.username());
        byte[] pw = config.password().revealCopy();
        String password = new String(pw, StandardCharsets.UTF_8);
        Arrays.fill(pw, (byte) 0);
        // JDBC drivers take the password as a String; it lives on inside HikariCP's configuration.
        hc.setPassword(password);
        hc.setMaximumPoolSize(config.maxPoolSize());
        hc.setMinimumIdle(Math.min(2, config.maxPoolSize()));
        hc.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hc.setInitializationFailTimeout(1);
        if (!config.embedded()) {
            hc.addDataSourceProperty("connectTimeout", "10"); // seconds; a black-holed host fails, not hangs
            hc.addDataSourceProperty("ApplicationName", "aegis");
        }
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) { // HikariPool.PoolInitializationException and configuration errors
            throw new StoreException(scrub("cannot connect to " + target(config) + " as user "
                    + config.username() + ": " + rootMessage(e), password), e);
        }
    }

    /** @return what the config points at, for messages: the data directory or the URL without parameters */
    static String target(StoreConfig config) {
        if (config.embedded()) {
            return "the embedded database in " + config.dataDir().orElseThrow();
        }
        String url = config.jdbcUrl();
        int q = url.indexOf('?');
        return "PostgreSQL at " + (q < 0 ? url : url.substring(0, q));
    }

    /** @return the driver's own words: the first SQLException in the chain (it names host and port), else the root */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            t = c;
            if (c instanceof java.sql.SQLException) {
                break;
            }
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** Belt and braces: a driver that echoes the password must not carry it into our message. */
    static String scrub(String message, String password) {
        return password.isEmpty() ? message : message.replace(password, "[redacted]");
    }
}
