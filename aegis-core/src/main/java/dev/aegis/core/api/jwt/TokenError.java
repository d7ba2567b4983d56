package dev.aegis.core.api.jwt;

/**
 * Why {@link JwtVerifier} rejected a token. Every value maps to {@code invalid_token} for clients
 * (RFC 6750 §3.1); the distinction is for logs, metrics and audit.
 */
public enum TokenError {
    /** Not a compact JWS of three base64url parts with JSON header and claims (RFC 7515 §7.1, RFC 7519 §7.2). */
    MALFORMED,
    /** Longer than the configured limit; checked before any parsing. */
    TOO_LARGE,
    /** {@code alg} is {@code none} or the signature is empty: an unsecured JWT (RFC 7519 §6, RFC 8725 §3.1). */
    UNSECURED,
    /**
     * {@code alg} is an HMAC algorithm (algorithm confusion, RFC 8725 §2.1), unsupported, outside the allowlist,
     * or different from the key's own algorithm (RFC 8725 §3.1).
     */
    ALGORITHM_NOT_ALLOWED,
    /** {@code jku}, {@code x5u}, {@code jwk}, {@code x5c}, {@code b64} or any {@code crit} header (RFC 8725 §3.10, RFC 7515 §4.1.11). */
    FORBIDDEN_HEADER,
    /** {@code kid} missing, malformed, or not in the trusted key source (RFC 7515 §4.1.4). */
    UNKNOWN_KEY,
    /** The signature does not verify under the key named by {@code kid} (RFC 7515 §5.2). */
    BAD_SIGNATURE,
    /** Now is at or after {@code exp} plus the allowed clock skew (RFC 7519 §4.1.4). */
    EXPIRED,
    /** Now is before {@code nbf} minus the allowed clock skew (RFC 7519 §4.1.5). */
    NOT_YET_VALID,
    /** {@code iat} is later than now plus the allowed clock skew (RFC 7519 §4.1.6). */
    ISSUED_IN_FUTURE,
    /** A required claim is absent: {@code exp} always, {@code iss}/{@code aud} when the verifier expects one. */
    MISSING_CLAIM,
    /** {@code iss} differs from the expected issuer (RFC 7519 §4.1.1, RFC 8725 §3.8). */
    WRONG_ISSUER,
    /** {@code aud} does not contain the expected audience (RFC 7519 §4.1.3, RFC 8725 §3.9). */
    WRONG_AUDIENCE,
    /** {@code typ} differs from the expected type (RFC 7515 §4.1.9, explicit typing RFC 8725 §3.11). */
    WRONG_TYPE,
    /**
     * Valid as a JWT, but its {@code jti} was revoked (RFC 7009) and the revocation reached this verifier through
     * the event stream; set by the verifiers that follow the stream, never by {@code JwtVerifier} itself.
     */
    REVOKED
}
