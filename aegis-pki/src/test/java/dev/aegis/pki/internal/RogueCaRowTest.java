package dev.aegis.pki.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.aegis.core.api.crypto.EnvelopeCipher;
import dev.aegis.pki.api.CaGeneration;
import dev.aegis.pki.api.PkiFixture;
import dev.aegis.pki.api.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attack: someone with write access to the database (not to the root key) inserts their own CA generation to
 * get their root into every SDK's trust bundle. The row's sealed key cannot be bound to its certificates without
 * the master keys, so the generation is ignored: not published, never used.
 */
class RogueCaRowTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(PkiFixture.Db.class)
    void rogueGenerationWrittenIntoTheDatabaseIsNeverPublished(PkiFixture.Db db) throws Exception {
        try (PkiFixture f = PkiFixture.open(db, dir, TestClock.atSystemNow())) {
            X509Certificate genuine = f.ca.bundle().x509Authorities().getFirst();
            CertificateMint.Generation rogue = CertificateMint.newGeneration(PkiFixture.DOMAIN, 99, Instant.now(),
                    Instant.now().plus(Duration.ofDays(1)));
            // Even an envelope made with the real master keys, but for another id/certificates, does not open.
            byte[] sealed = new EnvelopeCipher(f.keys.masterKeys()).seal(rogue.intermediateKey().getEncoded(),
                    "pki-ca:rogue".getBytes(StandardCharsets.UTF_8)).encode();
            f.store.inTransaction(c -> {
                CaRows.insert(c, new CaRows.Row("rogue", 99, CaGeneration.State.PENDING, rogue.root(), rogue.intermediate(),
                        sealed, Instant.now(), Instant.now(), null, null, Instant.now().plus(Duration.ofDays(1))));
                return null;
            });
            f.ca.tick();
            assertEquals(java.util.List.of(genuine), f.ca.bundle().x509Authorities());
            assertFalse(f.ca.generations().stream().anyMatch(g -> g.id().equals("rogue")));
        }
    }
}
