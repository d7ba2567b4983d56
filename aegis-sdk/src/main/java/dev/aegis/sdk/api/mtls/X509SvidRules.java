package dev.aegis.sdk.api.mtls;

import dev.aegis.sdk.api.spiffe.InvalidSpiffeIdException;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The rules of the SPIFFE X.509-SVID specification, one small method per rule, each with its own message
 * (the constants below). Used by the CA to check what it is about to hand out, by {@link X509Svid} for the
 * workload's own SVID and by {@link PeerVerifier} for every peer.
 *
 * <p>Stateless and thread-safe. Methods return the violated rule, or empty when the certificate complies.
 */
public final class X509SvidRules {

    /** X509-SVID §2: exactly one URI SAN, the SPIFFE ID. */
    public static final String NOT_ONE_URI_SAN = "an X509-SVID must contain exactly one URI SAN (X509-SVID §2)";
    /** X509-SVID §2: the URI SAN is a SPIFFE ID. */
    public static final String URI_SAN_NOT_SPIFFE_ID = "the URI SAN is not a valid SPIFFE ID (X509-SVID §2)";
    /** X509-SVID §2: a leaf's SPIFFE ID names a workload, not the trust domain. */
    public static final String LEAF_ID_WITHOUT_PATH = "a leaf SVID's SPIFFE ID must have a path (X509-SVID §2)";
    /** X509-SVID §4.1: the leaf is not a CA. */
    public static final String LEAF_IS_CA = "leaf certificate must not have CA flag set to true (X509-SVID §4.1)";
    /** X509-SVID §4.3: the leaf has a key usage extension with digitalSignature. */
    public static final String LEAF_NO_DIGITAL_SIGNATURE = "leaf certificate must have 'digitalSignature' as key usage (X509-SVID §4.3)";
    /** X509-SVID §4.3: no keyCertSign on a leaf. */
    public static final String LEAF_KEY_CERT_SIGN = "leaf certificate must not have 'keyCertSign' as key usage (X509-SVID §4.3)";
    /** X509-SVID §4.3: no cRLSign on a leaf. */
    public static final String LEAF_CRL_SIGN = "leaf certificate must not have 'cRLSign' as key usage (X509-SVID §4.3)";
    /** X509-SVID §4.1: a signing certificate is a CA. */
    public static final String SIGNER_NOT_CA = "signing certificate must have CA flag set to true (X509-SVID §4.1)";
    /** X509-SVID §4.3: a signing certificate has keyCertSign. */
    public static final String SIGNER_NO_KEY_CERT_SIGN = "signing certificate must have 'keyCertSign' as key usage (X509-SVID §4.3)";

    private static final int URI_SAN = 6;
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private X509SvidRules() {
    }

    /**
     * @param leaf a certificate claimed to be a leaf X509-SVID
     * @return the first violated rule among §2, §4.1 and §4.3, or empty
     */
    public static Optional<String> leafViolation(X509Certificate leaf) {
        Object id = spiffeIdOrRule(leaf);
        if (id instanceof String rule) {
            return Optional.of(rule);
        }
        if (((SpiffeId) id).path().isEmpty()) {
            return Optional.of(LEAF_ID_WITHOUT_PATH);
        }
        if (leaf.getBasicConstraints() != -1) {
            return Optional.of(LEAF_IS_CA);
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage == null || usage.length <= DIGITAL_SIGNATURE || !usage[DIGITAL_SIGNATURE]) {
            return Optional.of(LEAF_NO_DIGITAL_SIGNATURE);
        }
        if (usage.length > KEY_CERT_SIGN && usage[KEY_CERT_SIGN]) {
            return Optional.of(LEAF_KEY_CERT_SIGN);
        }
        if (usage.length > CRL_SIGN && usage[CRL_SIGN]) {
            return Optional.of(LEAF_CRL_SIGN);
        }
        return Optional.empty();
    }

    /**
     * @param signer an intermediate or root certificate of an SVID chain
     * @return the first violated rule of §4.1 and §4.3 for signing certificates, or empty
     */
    public static Optional<String> signerViolation(X509Certificate signer) {
        if (signer.getBasicConstraints() < 0) {
            return Optional.of(SIGNER_NOT_CA);
        }
        boolean[] usage = signer.getKeyUsage();
        if (usage == null || usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN]) {
            return Optional.of(SIGNER_NO_KEY_CERT_SIGN);
        }
        return Optional.empty();
    }

    /**
     * @param leaf a leaf that passed {@link #leafViolation}
     * @return its SPIFFE ID
     * @throws IllegalArgumentException if it has none
     */
    public static SpiffeId spiffeIdOf(X509Certificate leaf) {
        Object id = spiffeIdOrRule(leaf);
        if (id instanceof String rule) {
            throw new IllegalArgumentException(rule);
        }
        return (SpiffeId) id;
    }

    private static Object spiffeIdOrRule(X509Certificate cert) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return NOT_ONE_URI_SAN;
        }
        String uri = null;
        int uris = 0;
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && san.get(0) instanceof Integer type && type == URI_SAN) {
                    uris++;
                    uri = String.valueOf(san.get(1));
                }
            }
        }
        if (uris != 1) {
            return NOT_ONE_URI_SAN;
        }
        try {
            return SpiffeId.parse(uri);
        } catch (InvalidSpiffeIdException e) {
            return URI_SAN_NOT_SPIFFE_ID;
        }
    }
}
