package dev.aegis.audit.internal;

import java.util.Iterator;
import java.util.List;

/**
 * A {@link ChainSource} over rows held in memory, in storage order. Immutable.
 *
 * @param stored the rows, positions ascending
 */
public record ListChainSource(List<StoredRow> stored) implements ChainSource {

    /** Copies the list. */
    public ListChainSource {
        stored = List.copyOf(stored);
    }

    @Override
    public Iterator<StoredRow> rows() {
        return stored.iterator();
    }

    @Override
    public boolean laterRowWithHash(String hash, long position) {
        for (StoredRow row : stored) {
            if (row.position() > position && row.record() != null && row.record().hash().equals(hash)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean laterRowWithPreviousHash(String previousHash, long position) {
        for (StoredRow row : stored) {
            if (row.position() > position && row.record() != null
                    && row.record().previousHash().equals(previousHash)) {
                return true;
            }
        }
        return false;
    }
}
