package dev.aegis.audit.internal;

import java.util.Iterator;

/**
 * Read access to a stored chain for {@link ChainVerifier}: the rows in storage order, plus two look-ahead
 * queries used only once, at the first broken link, to tell a deletion from an insertion or a reordering.
 *
 * <p>Implementations: {@link ListChainSource} (JSON lines, tests), {@code JdbcChainSource} (database).
 */
public interface ChainSource {

    /** @return the rows in storage order (the database orders by {@code seq}) */
    Iterator<StoredRow> rows();

    /** @return whether a row stored after {@code position} has chain hash {@code hash} */
    boolean laterRowWithHash(String hash, long position);

    /** @return whether a row stored after {@code position} links to {@code previousHash} */
    boolean laterRowWithPreviousHash(String previousHash, long position);
}
