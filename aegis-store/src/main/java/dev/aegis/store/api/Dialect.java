package dev.aegis.store.api;

/**
 * The SQL database behind a {@link Store}. The schema and the store's own statements are written once for
 * both (H2 runs in PostgreSQL compatibility mode); callers look at the dialect only for features H2 lacks.
 *
 * <p>Immutable and thread-safe.
 */
public enum Dialect {
    /** H2 2.x file database in PostgreSQL mode: the embedded single-node default. */
    H2,
    /** PostgreSQL: shared by the nodes of a cluster. */
    POSTGRESQL
}
