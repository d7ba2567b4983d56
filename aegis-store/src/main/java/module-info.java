/**
 * Storage of Aegis: one JDBC schema with Flyway migrations on an embedded H2 file database (single node) or
 * PostgreSQL (cluster), a HikariCP pool, transactions, and key material encrypted at rest under a root key.
 *
 * <p>Only {@code dev.aegis.store.api} and its {@code spi} (the root key seam for a KMS or HSM) are exported.
 * The migration scripts are read through this module's own class ({@code Class.getResourceAsStream}), so
 * nothing has to be opened to Flyway and the store works the same on the module path and the class path.
 */
module dev.aegis.store {
    requires transitive dev.aegis.core; // SecretBytes, KeyRing, MasterKeyRing appear in the API
    requires transitive java.sql; // DataSource and Connection appear in the API
    requires com.zaxxer.hikari;
    requires flyway.core;
    requires flyway.database.postgresql; // Flyway finds PostgreSQL support through ServiceLoader
    requires com.h2database; // JDBC drivers are found by DriverManager, so they must be resolved
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports dev.aegis.store.api;
    exports dev.aegis.store.api.spi;
}
