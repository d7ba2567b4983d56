package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditRecord;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.store.api.Store;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Signs a checkpoint over a committed record and stores it in {@code audit_checkpoints}.
 *
 * <p>The checkpoint is a JWS (RFC 7515, compact serialization) made with aegis-core's {@link JwtSigner} and the
 * ACTIVE key of the {@code "audit"} ring. Header: {@code alg}, {@code kid}, {@code typ} = {@value #TYPE}. Claims:
 * <ul>
 *   <li>{@code seq} — the covered record's sequence number (number);</li>
 *   <li>{@code hash} — its chain hash (64 lowercase hex);</li>
 *   <li>{@code time} — signing time, ISO-8601 UTC with microseconds, equal to the {@code created_at} column;</li>
 *   <li>{@code iss} = {@value #ISSUER}, {@code iat}, {@code exp} = {@code iat} + 5 min, {@code jti} — the
 *       registered claims (RFC 7519 §4.1) that aegis-core's verifier requires; a checkpoint is verified with the
 *       clock set to its own {@code created_at}, so {@code exp} limits back-dating, not the archive's life.</li>
 * </ul>
 * Runs on the writer thread only; after the batch transaction committed (its own transaction).
 */
public final class CheckpointSigner implements CheckpointWriter {

    /** JWS {@code typ} of a checkpoint (RFC 8725 §3.11: explicit typing). */
    public static final String TYPE = "aegis-audit-checkpoint+jwt";
    /** {@code iss} of a checkpoint. */
    public static final String ISSUER = "aegis-audit";
    static final Duration VALIDITY = Duration.ofMinutes(5);

    private final Store store;
    private final AuditSigningKeys keys;
    private final Clock clock;

    /**
     * @param store where checkpoints are stored
     * @param keys  the audit ring
     * @param clock signing time
     */
    public CheckpointSigner(Store store, AuditSigningKeys keys, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public void write(AuditRecord last) {
        KeyRing ring = keys.current();
        SigningKey key = ring.signingKey()
                .orElseThrow(() -> new IllegalStateException("the audit key ring has no ACTIVE key"));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String jws = sign(ring, last.sequence(), last.hash(), now);
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoints"
                    + " (seq, record_hash, kid, signature, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setLong(1, last.sequence());
                ps.setString(2, last.hash());
                ps.setString(3, key.keyId().value());
                ps.setString(4, jws);
                SqlTime.bind(ps, 5, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * @param ring a ring with an ACTIVE key
     * @param seq  covered sequence number
     * @param hash covered record hash
     * @param time signing time, microsecond precision (stored as {@code created_at})
     * @return the compact JWS
     */
    static String sign(KeyRing ring, long seq, String hash, Instant time) {
        JwtClaims claims = JwtClaims.builder()
                .issuer(ISSUER)
                .issuedAt(time)
                .expiresAt(time.plus(VALIDITY))
                .jwtId(SecureIds.newId())
                .claim("seq", seq)
                .claim("hash", hash)
                .claim("time", time.toString())
                .build();
        return new JwtSigner(() -> ring).sign(claims, TYPE);
    }
}
