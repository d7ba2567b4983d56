package dev.aegis.server.demo;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The web PKI of a demo installation: a throw-away CA (ECDSA P-256, BouncyCastle) and the certificate of the
 * control plane's and the gateway's listeners for {@code 127.0.0.1}/{@code localhost}, written as PEM files.
 * The workload identities are the workload CA's business, not this one's. The CA key is discarded once the
 * listener certificate is signed.
 */
final class DemoCertificates {
    static final String CA_FILE = "demo-ca.pem";
    static final String CERT_FILE = "listener.pem";
    static final String KEY_FILE = "listener-key.pem";

    private final Path caFile;
    private final X509Certificate ca;

    private DemoCertificates(Path caFile, X509Certificate ca) {
        this.caFile = caFile;
        this.ca = ca;
    }

    /** Creates the CA and the listener certificate (valid for a day) in {@code dir}. */
    static DemoCertificates create(Path dir) throws IOException, GeneralSecurityException {
        KeyPair caKeys = p256();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=Aegis demo CA");
        JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), caName, caKeys.getPublic());
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate ca = sign(caBuilder, caKeys.getPrivate());

        KeyPair leafKeys = p256();
        JcaX509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(caName, serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=localhost"), leafKeys.getPublic());
        leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        leaf.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        leaf.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate listener = sign(leaf, caKeys.getPrivate());

        Path caFile = dir.resolve(CA_FILE);
        Files.writeString(caFile, pem(ca));
        writePem(dir.resolve(CERT_FILE), List.of(listener, ca), dir.resolve(KEY_FILE), leafKeys.getPrivate());
        return new DemoCertificates(caFile, ca);
    }

    /** Writes a certificate chain and its PKCS#8 private key as PEM (the key file readable by the owner only). */
    static void writePem(Path chainFile, List<X509Certificate> chain, Path keyFile, PrivateKey key) throws IOException {
        StringBuilder text = new StringBuilder();
        for (X509Certificate c : chain) {
            text.append(pem(c));
        }
        Files.writeString(chainFile, text);
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile);
        try {
            Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the temporary directory's own permissions apply
        }
        // PKCS#8 as the key's provider encodes it (a SEC1 rewrite of an ACCP key would drop the curve OID).
        Files.writeString(keyFile, pem(new PemObject("PRIVATE KEY", key.getEncoded())));
    }

    static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    /** @return the PEM file of the demo CA (what clients of the control plane and the gateway trust) */
    Path caFile() {
        return caFile;
    }

    Path certificateFile() {
        return caFile.resolveSibling(CERT_FILE);
    }

    Path keyFile() {
        return caFile.resolveSibling(KEY_FILE);
    }

    /** A client context trusting the demo CA only. */
    SSLContext clientContext() throws GeneralSecurityException, IOException {
        return context(List.of(ca));
    }

    /**
     * Makes the demo CA trusted by this JVM's default TLS context, beside the JDK's own anchors: what an operator
     * does by adding a private CA to the trust store. The embedded gateway fetches the issuer's discovery
     * document and JWKS with the default context.
     */
    void trustInThisJvm() throws GeneralSecurityException, IOException {
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        List<X509Certificate> anchors = new java.util.ArrayList<>(List.of(ca));
        for (javax.net.ssl.TrustManager tm : jdk.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                anchors.addAll(List.of(x.getAcceptedIssuers()));
            }
        }
        SSLContext.setDefault(context(anchors));
    }

    private static SSLContext context(List<X509Certificate> anchors) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < anchors.size(); i++) {
            store.setCertificateEntry("anchor" + i, anchors.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey issuerKey) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the demo certificate", e);
        }
    }

    private static KeyPair p256() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }
}
