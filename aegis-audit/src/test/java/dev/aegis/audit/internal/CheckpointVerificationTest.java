package dev.aegis.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.audit.api.AuditVerifier;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointVerificationTest {

    static final Instant T = Instant.parse("2026-05-01T12:00:00.123456Z");
    static final String HASH = "ab".repeat(32);

    final SigningKey key = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("audit-1"), T.minusSeconds(60))
            .activate(T.minusSeconds(60));
    final KeyRing ring = KeyRing.of(List.of(key));
    final String jws = CheckpointSigner.sign(ring, 42, HASH, T);

    private CheckedCheckpoint check(StoredCheckpoint row) {
        return CheckpointVerification.check(row, AuditVerifier.checkpointKeys(ring));
    }

    @Test
    void genuineCheckpointVerifies() {
        assertEquals(new CheckedCheckpoint(42, HASH, null), check(new StoredCheckpoint(42, HASH, "audit-1", jws, T)));
    }

    @Test
    void checkpointSignedByADestroyedKeyStillVerifies() {
        SigningKey destroyed = key.retire(T.plusSeconds(10)).destroy(T.plusSeconds(20));
        KeyRing later = KeyRing.of(List.of(destroyed));
        assertTrue(CheckpointVerification.check(new StoredCheckpoint(42, HASH, "audit-1", jws, T),
                AuditVerifier.checkpointKeys(later)).valid());
    }

    @Test
    void editedColumnsAreCaught() {
        assertEquals("checkpoint 43 signed sequence number differs from its row",
                check(new StoredCheckpoint(43, HASH, "audit-1", jws, T)).problem());
        assertEquals("checkpoint 42 signed hash differs from its row",
                check(new StoredCheckpoint(42, "cd".repeat(32), "audit-1", jws, T)).problem());
        assertEquals("checkpoint 42 was signed by key audit-1, not by the key its row names",
                check(new StoredCheckpoint(42, HASH, "audit-2", jws, T)).problem());
        assertEquals("checkpoint 42 signed time differs from its row",
                check(new StoredCheckpoint(42, HASH, "audit-1", jws, T.plusSeconds(1))).problem());
    }

    @Test
    void backDatedCheckpointIsRejectedByTheTokenRules() {
        // created_at moved a day later than the signature: the JWS has expired at that time.
        assertEquals("checkpoint 42 signature rejected (EXPIRED)",
                check(new StoredCheckpoint(42, HASH, "audit-1", jws, T.plusSeconds(86_400))).problem());
    }

    @Test
    void unknownKeyAndGarbageAreRejected() {
        SigningKey other = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("other"), T.minusSeconds(60))
                .activate(T.minusSeconds(60));
        String foreign = CheckpointSigner.sign(KeyRing.of(List.of(other)), 42, HASH, T);
        assertEquals("checkpoint 42 signature rejected (UNKNOWN_KEY)",
                check(new StoredCheckpoint(42, HASH, "other", foreign, T)).problem());
        assertEquals("checkpoint 42 signature rejected (MALFORMED)",
                check(new StoredCheckpoint(42, HASH, "audit-1", "not.a.jws", T)).problem());
    }
}
