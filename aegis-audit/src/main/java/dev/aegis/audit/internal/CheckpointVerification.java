package dev.aegis.audit.internal;

import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.VerificationKeySource;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;

/**
 * Checks one stored checkpoint: its JWS verifies (aegis-core's {@link JwtVerifier}, with every RFC 8725 rule,
 * the clock set to the checkpoint's own {@code created_at}), it was signed by the key its {@code kid} column
 * names, and its signed {@code seq}, {@code hash} and {@code time} equal its columns. Stateless.
 */
public final class CheckpointVerification {

    private CheckpointVerification() {
    }

    /**
     * @param row  the stored checkpoint
     * @param keys where checkpoint keys are looked up by {@code kid} (must include retired and destroyed keys'
     *             public halves to verify old checkpoints)
     * @return the checked checkpoint; its problem never contains the JWS
     */
    public static CheckedCheckpoint check(StoredCheckpoint row, VerificationKeySource keys) {
        long seq = row.sequence();
        if (row.signature() == null || row.createdAt() == null) {
            return invalid(seq, "has no signature or time");
        }
        JwtVerifier verifier = JwtVerifier.builder()
                .keys(keys)
                .allowedAlgorithms(EnumSet.allOf(SigningAlgorithm.class))
                .issuer(CheckpointSigner.ISSUER)
                .type(CheckpointSigner.TYPE)
                .clock(Clock.fixed(row.createdAt(), ZoneOffset.UTC))
                .build();
        return switch (verifier.verify(row.signature())) {
            case TokenCheck.Rejected rejected -> invalid(seq, "signature rejected (" + rejected.error() + ")");
            case TokenCheck.Valid valid -> compare(row, valid.claims(), valid.keyId().value());
        };
    }

    private static CheckedCheckpoint compare(StoredCheckpoint row, JwtClaims claims, String kid) {
        long seq = row.sequence();
        Map<String, Object> map = claims.asMap();
        if (!kid.equals(row.kid())) {
            return invalid(seq, "was signed by key " + kid + ", not by the key its row names");
        }
        if (!(map.get("seq") instanceof Number signedSeq) || signedSeq.longValue() != seq) {
            return invalid(seq, "signed sequence number differs from its row");
        }
        if (!(map.get("hash") instanceof String signedHash) || !signedHash.equals(row.recordHash())) {
            return invalid(seq, "signed hash differs from its row");
        }
        if (!(map.get("time") instanceof String time) || !time.equals(row.createdAt().toString())) {
            return invalid(seq, "signed time differs from its row");
        }
        return new CheckedCheckpoint(seq, signedHash, null);
    }

    private static CheckedCheckpoint invalid(long seq, String why) {
        return new CheckedCheckpoint(seq, null, "checkpoint " + seq + " " + why);
    }
}
