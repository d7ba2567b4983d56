package dev.aegis.secrets.internal;

import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreException;
import dev.aegis.store.api.TransactionWork;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One-statement reads on an auto-commit connection: a single round trip to the database instead of the three of
 * {@link Store#inTransaction} (begin, query, commit). Only for reads that need no consistency across statements.
 */
final class SingleReads {
    private SingleReads() {
    }

    static <T> T read(Store store, TransactionWork<T> work) {
        try (Connection c = store.dataSource().getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("read failed (SQLState " + e.getSQLState() + ")", e);
        }
    }
}
