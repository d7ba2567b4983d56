package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditRecord;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain rule: {@code hash_n = SHA-256(hash_{n-1} || canonical(record_n))} with
 * {@code hash_0} = 32 zero bytes, where {@code hash_{n-1}} enters as its 32 raw bytes and {@code canonical} is
 * {@link CanonicalAuditEncoding}. Hashes are carried as 64 lowercase hex characters.
 *
 * <p>Stateless and thread-safe (a fresh {@link MessageDigest} per call: no ThreadLocal caches).
 */
public final class AuditChain {

    /** {@code hash_0}, the predecessor of record 1. */
    public static final String GENESIS_HASH = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private AuditChain() {
    }

    /**
     * @param previousHash hash of record {@code sequence - 1}, 64 lowercase hex characters
     * @param sequence     position of the new record
     * @param event        its event
     * @return the chain hash of record {@code sequence}
     */
    public static String hash(String previousHash, long sequence, AuditEvent event) {
        MessageDigest sha256 = sha256();
        sha256.update(HEX.parseHex(previousHash));
        sha256.update(CanonicalAuditEncoding.encode(sequence, event));
        return HEX.formatHex(sha256.digest());
    }

    /**
     * Chains {@code event} after {@code previousHash}.
     *
     * @return the new record
     */
    public static AuditRecord append(String previousHash, long sequence, AuditEvent event) {
        return new AuditRecord(sequence, event, previousHash, hash(previousHash, sequence, event));
    }

    /** @return whether {@code record.hash()} is what the chain rule gives for its own contents and link */
    public static boolean selfConsistent(AuditRecord record) {
        // Hashes are public values: a plain comparison is fine.
        return hash(record.previousHash(), record.sequence(), record.event()).equals(record.hash());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
