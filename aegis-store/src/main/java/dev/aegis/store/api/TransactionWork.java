package dev.aegis.store.api;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done inside one database transaction by {@link Store#inTransaction(TransactionWork)}.
 *
 * <p>The connection is only valid during {@link #run}: do not keep it, do not commit, roll back or change its
 * auto-commit mode. The work may run once per call; it is not retried.
 *
 * @param <T> the result type; {@code null} results are allowed and returned as-is
 */
@FunctionalInterface
public interface TransactionWork<T> {

    /**
     * @param c a connection with auto-commit off, in a fresh transaction
     * @return the result
     * @throws SQLException to roll the transaction back (wrapped in a {@link StoreException})
     */
    T run(Connection c) throws SQLException;
}
