package dev.aegis.pki.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.internal.Csr;
import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.svid.x509svid.X509SvidValidator;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, independent implementation of the SPIFFE specs (spiffe/java-spiffe 0.8.17, tests only) accepts what
 * our CA issues: it parses the X509-SVID with its own rule checks (one URI SAN, leaf not a CA, key usages, key
 * matches leaf) and validates the chain against our trust bundle; and it agrees with our SPIFFE ID parser.
 */
class JavaSpiffeCrossCheckTest {

    @TempDir
    Path dir;

    @Test
    void javaSpiffeParsesAndValidatesAnSvidIssuedByOurCa() throws Exception {
        try (PkiFixture f = PkiFixture.open(PkiFixture.Db.H2, dir, TestClock.atSystemNow())) {
            SpiffeId id = PkiFixture.DOMAIN.id("/payments/api");
            f.ca.register(new WorkloadRegistration(id, List.of("api.local"), Duration.ofHours(1), Map.of()), "admin");
            KeyPair keys = Csr.newKeyPair();
            Issuance.Issued issued = assertInstanceOf(Issuance.Issued.class, f.ca.issueWithJoinToken(
                    f.ca.createJoinToken(id, null, "admin").revealSecret(),
                    Base64.getEncoder().encodeToString(Csr.create(keys, id)), "test"));
            ByteArrayOutputStream der = new ByteArrayOutputStream();
            for (X509Certificate c : issued.chain()) {
                der.write(c.getEncoded());
            }
            io.spiffe.svid.x509svid.X509Svid theirs = io.spiffe.svid.x509svid.X509Svid.parseRaw(der.toByteArray(),
                    keys.getPrivate().getEncoded());
            assertEquals(id.toString(), theirs.getSpiffeId().toString());
            TrustDomain td = TrustDomain.parse(PkiFixture.DOMAIN.name());
            X509Bundle bundle = new X509Bundle(td, new HashSet<>(f.ca.bundle().x509Authorities()));
            X509SvidValidator.verifyChain(theirs.getChain(), bundle);
            // And it refuses the same chain against a bundle of another CA.
            X509Bundle other = new X509Bundle(td, new HashSet<>(List.of(issued.chain().get(1))));
            other.removeX509Authority(issued.chain().get(1));
            other.addX509Authority(dev.aegis.pki.internal.CertificateMint.newGeneration(PkiFixture.DOMAIN, 1,
                    java.time.Instant.now(), java.time.Instant.now().plus(Duration.ofDays(1))).root());
            assertThrows(CertificateException.class, () -> X509SvidValidator.verifyChain(theirs.getChain(), other));
        }
    }

    @Test
    void ourSpiffeIdParserAgreesWithJavaSpiffe() {
        // One deliberate difference: java-spiffe 0.8.17 folds an upper-case trust domain to lower case; we reject it
        // (SPIFFE-ID §2.1 allows lower case only; go-spiffe rejects it too), so "spiffe://Example.org/a" is not here.
        assertEquals(false, SpiffeId.isValid("spiffe://Example.org/a"));
        String[] inputs = {"spiffe://example.org/a/b", "spiffe://example.org", "spiffe://ex:1/a",
                "spiffe://example.org/a/", "spiffe://example.org//a", "spiffe://example.org/./a", "spiffe://example.org/a/..",
                "http://example.org/a", "spiffe:///a", "spiffe://example.org/a%20b", "spiffe://example.org/a?b", "spiffe://a_b-c.d/E_f-1.2",
                "spiffe://example.org/a#b", "spiffe://user@example.org/a", ""};
        for (String input : inputs) {
            boolean theirs;
            try {
                io.spiffe.spiffeid.SpiffeId.parse(input);
                theirs = true;
            } catch (RuntimeException e) { // IllegalArgumentException or io.spiffe's InvalidSpiffeIdException
                theirs = false;
            }
            assertEquals(theirs, SpiffeId.isValid(input), input);
        }
    }
}
