package dev.aegis.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Test certificates made with BouncyCastle: a CA and leaves it signs, ECDSA P-256, valid for an hour. */
record TestCertificates(KeyPair keys, X509Certificate certificate) {
    private static long serial = System.nanoTime();

    static TestCertificates selfSignedCa(String name) throws Exception {
        KeyPair keys = p256();
        return new TestCertificates(keys, sign(name, keys, name, keys, true));
    }

    /** A leaf for 127.0.0.1/localhost signed by this CA. */
    TestCertificates issue(String name) throws Exception {
        KeyPair leafKeys = p256();
        return new TestCertificates(leafKeys, sign(name, leafKeys, certificate.getSubjectX500Principal().getName(), keys, false));
    }

    void writePem(Path certificateFile, Path keyFile) throws IOException {
        Files.writeString(certificateFile, pem(certificate));
        // PKCS#8 as encoded by the key's provider: BouncyCastle's SEC1 rewrite of an ACCP key drops the curve OID.
        Files.writeString(keyFile, pem(new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded())));
    }

    static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca)
            throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                new X500Name(issuer.startsWith("CN=") ? issuer : "CN=" + issuer), BigInteger.valueOf(serial++),
                Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofHours(1))),
                new X500Name("CN=" + subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }
}
