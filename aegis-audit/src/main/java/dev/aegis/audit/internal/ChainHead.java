package dev.aegis.audit.internal;

/**
 * The chain head: the last assigned sequence number and its hash ({@code 0} and
 * {@link AuditChain#GENESIS_HASH} for an empty chain). Stored in the single {@code audit_chain_head} row that
 * the writer locks.
 *
 * @param sequence last sequence number
 * @param hash     its chain hash
 */
public record ChainHead(long sequence, String hash) {

    /** @return the head of an empty chain */
    public static ChainHead empty() {
        return new ChainHead(0, AuditChain.GENESIS_HASH);
    }
}
