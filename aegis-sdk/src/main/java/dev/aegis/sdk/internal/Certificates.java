package dev.aegis.sdk.internal;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** DER/base64/PEM conversions of certificates through the JDK's CertificateFactory. */
public final class Certificates {

    private Certificates() {
    }

    /** @return the certificate parsed from DER */
    public static X509Certificate fromDer(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not an X.509 certificate", e);
        }
    }

    /** @return certificates from base64 DER strings (the {@code x5c} encoding, RFC 7517 §4.7) */
    public static List<X509Certificate> fromBase64(List<String> items) {
        List<X509Certificate> out = new ArrayList<>(items.size());
        for (String s : items) {
            out.add(fromDer(Base64.getDecoder().decode(s)));
        }
        return out;
    }

    /** @return base64 DER strings */
    public static List<String> toBase64(List<X509Certificate> certs) {
        List<String> out = new ArrayList<>(certs.size());
        for (X509Certificate c : certs) {
            try {
                out.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode a certificate", e);
            }
        }
        return out;
    }

    /** @return PEM text of the certificates, one block each (RFC 7468 §5) */
    public static String toPem(List<X509Certificate> certs) {
        StringBuilder sb = new StringBuilder();
        Base64.Encoder mime = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (X509Certificate c : certs) {
            try {
                sb.append("-----BEGIN CERTIFICATE-----\n").append(mime.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode a certificate", e);
            }
        }
        return sb.toString();
    }
}
