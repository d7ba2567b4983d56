package dev.aegis.sdk.internal;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A fresh ECDSA P-256 key pair and its PKCS#10 certification request (RFC 2986), built by BouncyCastle, with the
 * requested SPIFFE ID as URI SAN in the extensionRequest attribute (RFC 2985 §5.4.2). The private key stays in
 * this process; only the request is sent.
 */
public final class Csr {

    private Csr() {
    }

    /** @return a new P-256 key pair */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is not available", e);
        }
    }

    /**
     * @param keys the key pair whose public half is certified
     * @param id   the SPIFFE ID asked for, or {@code null} to leave it to the CA
     * @return the DER of the signed request
     */
    public static byte[] create(KeyPair keys, SpiffeId id) {
        try {
            JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("O=Aegis Workload"), keys.getPublic());
            if (id != null) {
                ExtensionsGenerator ext = new ExtensionsGenerator();
                ext.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            }
            PKCS10CertificationRequest csr = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            return csr.getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot build a certification request", e);
        }
    }
}
