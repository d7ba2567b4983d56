package dev.aegis.store.api;

import dev.aegis.core.api.crypto.SecretBytes;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the store keeps its data: an embedded H2 file database (the single-node default of {@code aegis up}) or a
 * PostgreSQL server shared by the nodes of a cluster, plus the connection pool size.
 *
 * <p>The embedded database is {@code <dataDir>/aegis.mv.db}, opened in PostgreSQL mode with
 * {@code AUTO_SERVER=TRUE}: the first process opens the file and serves it on a random local TCP port whose
 * address and random key are written to the lock file, so {@code aegis audit verify} can read the data of a
 * running server. Access control is the data directory itself: {@link Store#open} creates it owner-only
 * ({@code 0700}), and whoever can read the lock file can connect.
 *
 * <p>Not a record, because it holds a password: {@link #toString()} is redacted and the password is not
 * accessible outside this package. A PostgreSQL URL must not carry a password parameter, so URLs can be logged.
 * Immutable and thread-safe; arguments must not be {@code null}.
 */
public final class StoreConfig {

    /** Default maximum pool size: enough for a control-plane node, small enough for a shared PostgreSQL. */
    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    /** Upper bound of {@link #withMaxPoolSize}; PostgreSQL's default {@code max_connections} is 100. */
    public static final int MAX_POOL_SIZE_LIMIT = 200;

    private static final String H2_USER = "aegis";
    // PostgreSQL mode plus the settings H2 documents for PostgreSQL compatibility. LOCK_TIMEOUT: a key ring
    // update holds its row lock while generating a key (RSA takes a while); H2's default 1 s is too short.
    // DB_CLOSE_ON_EXIT stays at its default (TRUE): H2 refuses FALSE together with AUTO_SERVER, so H2's own
    // shutdown hook closes the database at JVM exit; drain writers before System.exit, not in a shutdown hook.
    private static final String H2_SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
            + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000";

    private final String jdbcUrl;
    private final String username;
    private final SecretBytes password;
    private final Path dataDir;
    private final int maxPoolSize;

    private StoreConfig(String jdbcUrl, String username, SecretBytes password, Path dataDir, int maxPoolSize) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.dataDir = dataDir;
        this.maxPoolSize = maxPoolSize;
    }

    /**
     * The embedded H2 file database {@code <dataDir>/aegis} (see the class comment).
     *
     * @param dataDir the data directory; created owner-only by {@link Store#open} if missing
     * @return the configuration
     * @throws IllegalArgumentException if the path contains {@code ;} (it would end the JDBC URL)
     */
    public static StoreConfig embedded(Path dataDir) {
        Path dir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        String file = dir.resolve("aegis").toString();
        if (file.indexOf(';') >= 0) {
            throw new IllegalArgumentException("the data directory path must not contain ';': " + dir);
        }
        return new StoreConfig("jdbc:h2:file:" + file + H2_SETTINGS, H2_USER, SecretBytes.copyOf(new byte[0]),
                dir, DEFAULT_MAX_POOL_SIZE);
    }

    /**
     * A PostgreSQL database.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://host:port/database[?params]} without a password parameter
     * @param username the database user
     * @param password the user's password (UTF-8); may be empty for trust or certificate authentication
     * @return the configuration
     * @throws IllegalArgumentException if the URL is not a PostgreSQL URL, carries a password, or the user is blank
     */
    public static StoreConfig postgres(String jdbcUrl, String username, SecretBytes password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("a PostgreSQL JDBC URL starts with jdbc:postgresql:");
        }
        if (jdbcUrl.toLowerCase(Locale.ROOT).contains("password")) {
            // Deliberately not echoing the URL: it may contain the very password we keep out of messages.
            throw new IllegalArgumentException("pass the database password separately, never in the JDBC URL");
        }
        if (username.isBlank()) {
            throw new IllegalArgumentException("the database user must not be blank");
        }
        return new StoreConfig(jdbcUrl, username, password, null, DEFAULT_MAX_POOL_SIZE);
    }

    /**
     * @param size maximum number of pooled connections, 1..{@value #MAX_POOL_SIZE_LIMIT}
     * @return a copy with that pool size
     */
    public StoreConfig withMaxPoolSize(int size) {
        if (size < 1 || size > MAX_POOL_SIZE_LIMIT) {
            throw new IllegalArgumentException("max pool size must be 1.." + MAX_POOL_SIZE_LIMIT + ", was " + size);
        }
        return new StoreConfig(jdbcUrl, username, password, dataDir, size);
    }

    /** @return whether this is the embedded H2 database */
    public boolean embedded() {
        return dataDir != null;
    }

    /** @return the data directory of the embedded database; empty for PostgreSQL */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    /** @return the JDBC URL (never contains a password) */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** @return the database user */
    public String username() {
        return username;
    }

    /** @return the maximum pool size */
    public int maxPoolSize() {
        return maxPoolSize;
    }

    /** @return the dialect this configuration connects to */
    public Dialect dialect() {
        return embedded() ? Dialect.H2 : Dialect.POSTGRESQL;
    }

    SecretBytes password() {
        return password;
    }

    /** @return kind, URL, user and pool size; the password is always shown as redacted */
    @Override
    public String toString() {
        return "StoreConfig[" + dialect() + ", url=" + jdbcUrl + ", user=" + username + ", password=redacted"
                + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
