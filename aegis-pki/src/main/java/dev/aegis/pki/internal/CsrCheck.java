package dev.aegis.pki.internal;

import dev.aegis.pki.api.IssuanceError;
import dev.aegis.sdk.api.spiffe.InvalidSpiffeIdException;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.io.IOException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Reads and checks a PKCS#10 certification request (RFC 2986) with BouncyCastle: well-formed DER (base64 or
 * PEM), proof of possession (the request's signature verifies under its own key, RFC 2986 §3), an ECDSA P-256
 * key, and the SANs it asks for (optional; if present, the URI SAN must be the registered SPIFFE ID).
 */
public final class CsrCheck {

    /** Largest request accepted, encoded. */
    static final int MAX_CSR_CHARS = 16 * 1024;

    /** A checked request. */
    public record Checked(PublicKey publicKey, List<String> uris, List<String> dnsNames) {
    }

    /** Result: the checked request or the error. */
    public sealed interface Result permits Ok, Bad {
    }

    /** @param csr the checked request */
    public record Ok(Checked csr) implements Result {
    }

    /** @param error what is wrong; @param detail for the client, names the rule, not the input */
    public record Bad(IssuanceError error, String detail) implements Result {
    }

    private CsrCheck() {
    }

    /** @param encoded base64 DER or PEM ({@code -----BEGIN CERTIFICATE REQUEST-----}) */
    public static Result read(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return new Bad(IssuanceError.MALFORMED_CSR, "csr is missing");
        }
        if (encoded.length() > MAX_CSR_CHARS) {
            return new Bad(IssuanceError.MALFORMED_CSR, "csr is larger than " + MAX_CSR_CHARS + " characters");
        }
        byte[] der;
        try {
            String body = encoded.strip();
            if (body.startsWith("-----BEGIN CERTIFICATE REQUEST-----")) {
                int end = body.indexOf("-----END CERTIFICATE REQUEST-----");
                if (end < 0) {
                    return new Bad(IssuanceError.MALFORMED_CSR, "PEM request without END line");
                }
                body = body.substring("-----BEGIN CERTIFICATE REQUEST-----".length(), end);
            }
            der = Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            return new Bad(IssuanceError.MALFORMED_CSR, "csr is not base64 DER or PEM");
        }
        JcaPKCS10CertificationRequest csr;
        PublicKey key;
        try {
            csr = new JcaPKCS10CertificationRequest(der);
            key = csr.getPublicKey();
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
            return new Bad(IssuanceError.MALFORMED_CSR, "csr is not a PKCS#10 certification request (RFC 2986)");
        }
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
                || !"secp256r1".equals(curveName(ec))) {
            return new Bad(IssuanceError.UNSUPPORTED_KEY, "the key must be ECDSA P-256");
        }
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().build(key);
            if (!csr.isSignatureValid(verifier)) {
                return new Bad(IssuanceError.CSR_SIGNATURE_INVALID, "the csr signature does not verify under its own key (RFC 2986 §3)");
            }
        } catch (PKCSException | org.bouncycastle.operator.OperatorCreationException e) {
            return new Bad(IssuanceError.CSR_SIGNATURE_INVALID, "the csr signature cannot be verified");
        }
        List<String> uris = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions ext = Extensions.getInstance(a.getAttrValues().getObjectAt(0));
            GeneralNames names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
            if (names == null) {
                continue;
            }
            for (GeneralName n : names.getNames()) {
                if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    uris.add(n.getName().toString());
                } else if (n.getTagNo() == GeneralName.dNSName) {
                    dns.add(n.getName().toString());
                } else {
                    return new Bad(IssuanceError.SAN_NOT_ALLOWED, "only URI and DNS subject alternative names may be requested");
                }
            }
        }
        return new Ok(new Checked(key, List.copyOf(uris), List.copyOf(dns)));
    }

    private static String curveName(ECPublicKey key) {
        // P-256's order, the one parameter that tells it apart from other 256-bit prime curves.
        String n = key.getParams().getOrder().toString(16);
        return "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551".equals(n) ? "secp256r1" : "other";
    }

    /**
     * @param csr        the checked request
     * @param registered the workload's SPIFFE ID
     * @param allowedDns the DNS names registered for it
     * @return an error if the request asks for anything else, or null
     */
    public static Bad mismatch(Checked csr, SpiffeId registered, List<String> allowedDns) {
        if (csr.uris().size() > 1) {
            return new Bad(IssuanceError.SPIFFE_ID_MISMATCH, "a csr may ask for at most one URI SAN (X509-SVID §2)");
        }
        if (csr.uris().size() == 1) {
            String asked = csr.uris().getFirst();
            boolean valid;
            try {
                valid = SpiffeId.parse(asked).equals(registered);
            } catch (InvalidSpiffeIdException e) {
                return new Bad(IssuanceError.SPIFFE_ID_MISMATCH, "the csr's URI SAN is not a SPIFFE ID: " + e.getMessage());
            }
            if (!valid) {
                return new Bad(IssuanceError.SPIFFE_ID_MISMATCH, "the csr asks for a SPIFFE ID other than the one this credential is bound to");
            }
        }
        for (String d : csr.dnsNames()) {
            if (!allowedDns.contains(d)) {
                return new Bad(IssuanceError.SAN_NOT_ALLOWED, "the csr asks for a DNS name that is not registered for this workload");
            }
        }
        return null;
    }
}
