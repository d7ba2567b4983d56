package dev.aegis.identity.internal;

/**
 * One authenticated token request (RFC 6749 §3.2) as the grant handlers see it.
 *
 * @param client  the authenticated client
 * @param method  how it authenticated
 * @param form    the request parameters
 * @param source  the client's address
 * @param dpopJkt the DPoP key thumbprint when the request carried a valid proof, else {@code null}
 * @param x5t     the SHA-256 thumbprint of the TLS client certificate (RFC 8705 §3.1), else {@code null}
 */
public record TokenRequest(ClientRecord client, String method, Form form, String source, String dpopJkt, String x5t) {
}
