package dev.aegis.pki.api;

import java.util.Locale;

/**
 * Why the CA refused to issue or renew an SVID. {@link #code()} is the {@code error} member of the
 * problem+json answer (RFC 9457 extension member) and {@link #status()} its HTTP status.
 */
public enum IssuanceError {
    /** The request is not a well-formed PKCS#10 request (RFC 2986) in base64 DER or PEM. */
    MALFORMED_CSR(400),
    /** The request's signature does not verify under its own key: no proof of possession (RFC 2986 §3). */
    CSR_SIGNATURE_INVALID(400),
    /** The key is not ECDSA P-256. */
    UNSUPPORTED_KEY(400),
    /** The request asks for a SPIFFE ID other than the credential's. */
    SPIFFE_ID_MISMATCH(403),
    /** The request asks for a SAN that is not registered (a DNS name, or a SAN type other than URI/DNS). */
    SAN_NOT_ALLOWED(403),
    /** The join token is unknown, used, expired or malformed (one message for all: no oracle). */
    INVALID_JOIN_TOKEN(401),
    /** The presented SVID is not a valid, current SVID of this trust domain. */
    INVALID_SVID(401),
    /** The workload is revoked. */
    WORKLOAD_REVOKED(403),
    /** The presented SVID's serial is revoked. */
    SVID_REVOKED(403),
    /** The request body is not what the endpoint expects. */
    INVALID_REQUEST(400);

    private final int status;

    IssuanceError(int status) {
        this.status = status;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the machine-readable code, e.g. {@code malformed_csr} */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
