package dev.aegis.store.api;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open database: a HikariCP connection pool with the schema migrated to the newest version by Flyway
 * ({@code db/migration}, one set of scripts for H2 and PostgreSQL), and transactions over it.
 *
 * <p>Several nodes may open the same PostgreSQL database at once: Flyway serializes their migrations with an
 * advisory lock. Pooled connections are handed out by HikariCP; use {@link #inTransaction} for writes.
 *
 * <p>Thread-safe. Methods throw {@link StoreException} for database failures and never return {@code null}
 * (except a {@link TransactionWork} result that is {@code null} itself).
 */
public final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final int VALIDATION_TIMEOUT_SECONDS = 2;

    private final StoreConfig config;
    private final HikariDataSource dataSource;
    private final String schemaVersion;

    private Store(StoreConfig config, HikariDataSource dataSource, String schemaVersion) {
        this.config = config;
        this.dataSource = dataSource;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Connects, migrates the schema and returns the open store. For the embedded database, creates the data
     * directory owner-only ({@code 0700}) if it is missing.
     *
     * @param config where the data is
     * @return the open store; close it when done
     * @throws StoreException naming what failed (data directory, unreachable database, failed migration),
     *                        never containing the password
     */
    public static Store open(StoreConfig config) {
        Objects.requireNonNull(config, "config");
        config.dataDir().ifPresent(Store::prepareDataDirectory);
        HikariDataSource ds = ConnectionPool.start(config);
        try {
            String version = migrate(ds, config);
            LOG.atInfo().addKeyValue("database", ConnectionPool.target(config))
                    .addKeyValue("schemaVersion", version).log("store opened");
            return new Store(config, ds, version);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    private static String migrate(DataSource ds, StoreConfig config) {
        try {
            Flyway flyway = Flyway.configure(Store.class.getClassLoader())
                    .dataSource(ds)
                    .resourceProvider(new MigrationScripts())
                    .javaMigrationClassProvider(List::of) // no Java migrations: do not scan for them
                    .validateMigrationNaming(true)
                    // Each module owns a version range (identity V10-V19, pki V20-V29, ...), so a database may
                    // have V50 before a later release adds V11: apply such a script instead of refusing to start.
                    .outOfOrder(true)
                    .cleanDisabled(true) // "clean" drops every table: never from a security product
                    .loggers("slf4j")
                    .load();
            flyway.migrate();
            MigrationInfo current = flyway.info().current();
            if (current == null || current.getVersion() == null) {
                throw new StoreException("no migration was applied to " + ConnectionPool.target(config));
            }
            return current.getVersion().getVersion();
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate the schema of " + ConnectionPool.target(config) + ": "
                    + e.getMessage(), e);
        }
    }

    private static void prepareDataDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                warnIfShared(dir);
                return;
            }
            if (Files.getFileStore(existingAncestor(dir)).supportsFileAttributeView("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path existingAncestor(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir.getRoot() : p;
    }

    /** The lock file in the data directory is the key to AUTO_SERVER: group/other access lets them connect. */
    private static void warnIfShared(Path dir) throws IOException {
        if (!Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            LOG.atWarn().addKeyValue("dataDir", dir.toString())
                    .addKeyValue("permissions", PosixFilePermissions.toString(perms))
                    .log("data directory is readable by group or others; run chmod 700 on it");
        }
    }

    /**
     * Runs {@code work} in one transaction: commits when it returns, rolls back when it throws, so a failure
     * half-way leaves nothing half-written. Runtime exceptions of {@code work} are rethrown unchanged after the
     * rollback; {@link SQLException}s become {@link StoreException}s. Not retried.
     *
     * @param work the statements to run; not {@code null}
     * @param <T>  result type
     * @return what {@code work} returned
     * @throws StoreException when no connection is available or a statement or the commit fails
     */
    public <T> T inTransaction(TransactionWork<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("transaction failed on " + ConnectionPool.target(config) + " (SQLState "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    private static void rollback(Connection c, Throwable failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // The pool discards a connection whose rollback failed; the original failure is what matters.
            failure.addSuppressed(e);
        }
    }

    /**
     * The pooled data source, for read paths that manage their own connections (close them promptly).
     *
     * @return the data source
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /** @return the database kind */
    public Dialect dialect() {
        return config.dialect();
    }

    /** @return the schema version after migration at open, e.g. {@code "1"} */
    public String schemaVersion() {
        return schemaVersion;
    }

    /**
     * Checks that a connection can be borrowed and is valid, for readiness probes. Blocks at most the pool's
     * connection timeout (10 s) when the database is down.
     *
     * @return whether the database answers; {@code false} after {@link #close()}
     */
    public boolean healthy() {
        if (dataSource.isClosed()) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(VALIDATION_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            LOG.atDebug().addKeyValue("sqlState", e.getSQLState()).log("store health check failed");
            return false;
        }
    }

    /** Closes the pool (and with its last connection the embedded database). Idempotent. */
    @Override
    public void close() {
        dataSource.close();
    }

    /** @return the configuration (redacted) and schema version */
    @Override
    public String toString() {
        return "Store[" + config + ", schemaVersion=" + schemaVersion + "]";
    }
}
