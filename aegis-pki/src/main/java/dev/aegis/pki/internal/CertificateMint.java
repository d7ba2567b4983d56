package dev.aegis.pki.internal;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mints the certificates of the workload CA with BouncyCastle: CA generations (a self-signed root and the
 * intermediate it signs, ECDSA P-256) and leaf X509-SVIDs exactly per the SPIFFE X509-SVID specification: one
 * URI SAN (§2), CA flag false (§4.1), key usage digitalSignature only and critical (§4.3), extended key usage
 * serverAuth + clientAuth (§4.4), optional DNS SANs. Serial numbers are 128 random bits (CA/B BR §7.1 asks ≥ 64).
 *
 * <p>Stateless; thread-safe.
 */
public final class CertificateMint {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE = "SHA256withECDSA";
    /** Tolerated clock skew between nodes and workloads: notBefore is backdated by this much. */
    static final long BACKDATE_SECONDS = 60;

    /** A new CA generation: the root's key is used once, here, and never returned. */
    public record Generation(X509Certificate root, X509Certificate intermediate, PrivateKey intermediateKey) {
    }

    private CertificateMint() {
    }

    /** @return a new P-256 key pair */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is not available", e);
        }
    }

    /**
     * @param domain   the trust domain; both CAs carry its SPIFFE ID as URI SAN (X509-SVID §3: signing certificates
     *                 may be SVIDs of the trust domain)
     * @param number   the generation number, in the subject so operators can tell generations apart
     * @param from     notBefore (backdated by the skew)
     * @param notAfter end of validity of both certificates
     * @return the generation
     */
    public static Generation newGeneration(TrustDomain domain, long number, Instant from, Instant notAfter) {
        KeyPair root = newKeyPair();
        KeyPair intermediate = newKeyPair();
        X500Name rootName = new X500Name("O=Aegis, OU=" + domain.name() + ", CN=Aegis Workload Root G" + number);
        X500Name intName = new X500Name("O=Aegis, OU=" + domain.name() + ", CN=Aegis Workload Intermediate G" + number);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder rb = new JcaX509v3CertificateBuilder(rootName, serial(), start(from), Date.from(notAfter),
                    rootName, root.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(1))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(root.getPublic()))
                    .addExtension(Extension.subjectAlternativeName, false, uri(domain.spiffeId()));
            X509Certificate rootCert = sign(rb, root.getPrivate());
            X509v3CertificateBuilder ib = new JcaX509v3CertificateBuilder(rootCert, serial(), start(from), Date.from(notAfter),
                    intName, intermediate.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(intermediate.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(rootCert))
                    .addExtension(Extension.subjectAlternativeName, false, uri(domain.spiffeId()));
            return new Generation(rootCert, sign(ib, root.getPrivate()), intermediate.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot mint a CA generation", e);
        }
    }

    /**
     * @param issuer    the intermediate that signs
     * @param issuerKey its private key
     * @param subject   the workload's public key (from its CSR)
     * @param id        the SPIFFE ID, the one URI SAN
     * @param dnsNames  DNS SANs (may be empty)
     * @param notBefore start (backdated by the skew)
     * @param notAfter  end of validity
     * @return the leaf SVID
     */
    public static X509Certificate leaf(X509Certificate issuer, PrivateKey issuerKey, PublicKey subject, SpiffeId id,
                                       List<String> dnsNames, Instant notBefore, Instant notAfter) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            List<GeneralName> sans = new ArrayList<>();
            sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString()));
            for (String dns : dnsNames) {
                sans.add(new GeneralName(GeneralName.dNSName, dns));
            }
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(), start(notBefore), Date.from(notAfter),
                    new X500Name("O=Aegis Workload"), subject)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subject))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
            return sign(b, issuerKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot mint an X509-SVID", e);
        }
    }

    private static GeneralNames uri(SpiffeId id) {
        return new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString()));
    }

    private static Date start(Instant from) {
        return Date.from(from.minusSeconds(BACKDATE_SECONDS));
    }

    private static BigInteger serial() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[0] &= 0x7f; // positive (RFC 5280 §4.1.2.2)
        b[0] |= 0x40; // never a leading zero byte, so every serial has the same 16-byte length
        return new BigInteger(1, b);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws CertificateException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
        } catch (OperatorCreationException e) {
            throw new CertificateException("cannot sign", e);
        }
    }
}
