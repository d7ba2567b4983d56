package dev.aegis.pki.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.pki.api.Issuance;
import dev.aegis.pki.api.PkiFixture;
import dev.aegis.pki.api.TestClock;
import dev.aegis.pki.api.WorkloadRegistration;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerCheck;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.internal.Certificates;
import dev.aegis.sdk.internal.Csr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our SVIDs and our TLS stack checked by a different implementation: OpenSSL. {@code openssl verify} validates
 * the chain of an SVID issued by the CA through the join flow against the bundle root; {@code openssl s_client}
 * makes real mTLS handshakes with an SDK server (presenting our SVID, verifying the server's). Skipped, with a
 * message, only where no {@code openssl} binary exists.
 */
class OpensslCompatibilityTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void opensslPresent() {
        boolean present;
        try {
            present = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        Assumptions.assumeTrue(present, "openssl is not installed: OpenSSL compatibility checks skipped");
    }

    private record Run(int exit, String output) {
    }

    private static Run openssl(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl timed out");
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String keyPem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    @Test
    void opensslVerifiesAnSvidIssuedThroughTheJoinFlow() throws Exception {
        Path db = Files.createDirectory(dir.resolve("db"));
        try (PkiFixture f = PkiFixture.open(PkiFixture.Db.H2, db, TestClock.atSystemNow())) {
            SpiffeId id = PkiFixture.DOMAIN.id("/payments/api");
            f.ca.register(new WorkloadRegistration(id, List.of("api.payments.svc"), Duration.ofHours(1), Map.of()), "admin");
            KeyPair keys = Csr.newKeyPair();
            String token = f.ca.createJoinToken(id, null, "admin").revealSecret();
            Issuance.Issued issued = assertInstanceOf(Issuance.Issued.class, f.ca.issueWithJoinToken(token,
                    Base64.getEncoder().encodeToString(Csr.create(keys, id)), "test"));
            Path root = write("root.pem", Certificates.toPem(f.ca.bundle().x509Authorities()));
            Path intermediate = write("intermediate.pem", Certificates.toPem(List.of(issued.chain().get(1))));
            Path leaf = write("leaf.pem", Certificates.toPem(List.of(issued.chain().getFirst())));
            for (String purpose : new String[] {"sslclient", "sslserver"}) {
                Run r = openssl(null, "verify", "-x509_strict", "-purpose", purpose, "-CAfile", root.toString(),
                        "-untrusted", intermediate.toString(), leaf.toString());
                assertEquals(0, r.exit(), r.output());
                assertTrue(r.output().contains(": OK"), r.output());
            }
            Run text = openssl(null, "x509", "-in", leaf.toString(), "-noout", "-text");
            assertTrue(text.output().contains("URI:spiffe://example.org/payments/api"), text.output());
            assertTrue(text.output().contains("DNS:api.payments.svc"), text.output());
            assertTrue(text.output().contains("CA:FALSE"), text.output());
            // Against another domain's root the same chain must fail.
            TestDomain other = new TestDomain("example.org");
            Path wrongRoot = write("wrong-root.pem", Certificates.toPem(List.of(other.ca.root())));
            Run bad = openssl(null, "verify", "-CAfile", wrongRoot.toString(), "-untrusted", intermediate.toString(), leaf.toString());
            assertNotEquals(0, bad.exit(), bad.output());
        }
    }

    @Test
    void opensslClientCompletesMtlsWithAnSdkServerAndIsIdentifiedBySpiffeId() throws Exception {
        TestDomain prod = new TestDomain("prod.example.org");
        SpiffeId clientId = prod.domain.id("/openssl-client");
        try (TlsPeer server = new TlsPeer(prod.svid("/backend"), PeerAuthorizer.allowing(clientId), Clock.systemUTC(), prod.bundle())) {
            int port = server.serve();
            X509Svid svid = prod.svid("/openssl-client");
            Run r = sClient(port, prod, svid);
            assertTrue(r.output().contains("hello spiffe://prod.example.org/openssl-client ping"), r.output());
            // openssl verified our server's chain against the bundle root at every depth.
            assertTrue(r.output().contains("depth=0 O = Aegis Workload\nverify return:1"), r.output());
            assertTrue(!r.output().contains("verify error"), r.output());
            assertInstanceOf(PeerCheck.Accepted.class, server.decisions.getLast());
        }
    }

    @Test
    void opensslClientWithAnIdOffTheAllowListIsRefused() throws Exception {
        TestDomain prod = new TestDomain("prod.example.org");
        try (TlsPeer server = new TlsPeer(prod.svid("/backend"), PeerAuthorizer.allowing(prod.domain.id("/someone-else")),
                Clock.systemUTC(), prod.bundle())) {
            int port = server.serve();
            Run r = sClient(port, prod, prod.svid("/openssl-client"));
            assertTrue(!r.output().contains("hello spiffe://"), r.output());
            assertEquals(PeerCheck.Reason.NOT_ALLOWED, assertInstanceOf(PeerCheck.Refused.class, server.decisions.getLast()).reason());
        }
    }

    private Run sClient(int port, TestDomain domain, X509Svid svid) throws Exception {
        Path root = write("ca.pem", Certificates.toPem(List.of(domain.ca.root())));
        Path cert = write("client.pem", Certificates.toPem(List.of(svid.leaf())));
        Path chain = write("client-chain.pem", Certificates.toPem(List.of(svid.chain().get(1))));
        Path key = write("client.key", keyPem(svid.privateKey()));
        return openssl("ping\n", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", root.toString(),
                "-cert", cert.toString(), "-key", key.toString(), "-cert_chain", chain.toString(),
                "-verify_return_error", "-ign_eof", "-quiet");
    }
}
