package dev.aegis.core.api.keys;

/**
 * The JWS algorithms Aegis signs and verifies with (RFC 7518 §3.1, RFC 8037 §3.1). Only asymmetric algorithms:
 * Aegis holds no shared MAC keys, so an {@code HS*} token can only be an algorithm-confusion attack
 * (RFC 8725 §2.1, §3.1). ES256 is the default for tokens (small and, with AWS-LC, fast).
 *
 * <p>Immutable and thread-safe.
 */
public enum SigningAlgorithm {
    /** ECDSA with P-256 and SHA-256 (RFC 7518 §3.4). */
    ES256("ES256"),
    /** EdDSA with Ed25519 (RFC 8037 §3.1). */
    EDDSA("EdDSA"),
    /** RSASSA-PKCS1-v1_5 with SHA-256, keys of 2048 bits or more (RFC 7518 §3.3). */
    RS256("RS256");

    private final String joseName;

    SigningAlgorithm(String joseName) {
        this.joseName = joseName;
    }

    /** @return the registered {@code alg} value, e.g. {@code "EdDSA"} */
    public String joseName() {
        return joseName;
    }

    /**
     * Exact, case-sensitive lookup of a registered {@code alg} name (RFC 7515 §4.1.1 values are case-sensitive).
     *
     * @param joseName an {@code alg} value
     * @return the algorithm
     * @throws IllegalArgumentException if Aegis does not support it (including {@code none} and {@code HS256})
     */
    public static SigningAlgorithm fromJoseName(String joseName) {
        SigningAlgorithm a = findByJoseName(joseName);
        if (a == null) {
            throw new IllegalArgumentException("unsupported JWS algorithm");
        }
        return a;
    }

    /**
     * Allocation-free lookup for the verification path.
     *
     * @param joseName an {@code alg} value, may be {@code null}
     * @return the algorithm, or {@code null} if unsupported
     */
    static SigningAlgorithm findByJoseName(String joseName) {
        if (joseName == null) {
            return null;
        }
        return switch (joseName) {
            case "ES256" -> ES256;
            case "EdDSA" -> EDDSA;
            case "RS256" -> RS256;
            default -> null;
        };
    }

    /**
     * Public variant of the allocation-free lookup.
     *
     * @param joseName an {@code alg} value, may be {@code null}
     * @return the algorithm, or {@code null} if unsupported (never throws)
     */
    public static SigningAlgorithm findOrNull(String joseName) {
        return findByJoseName(joseName);
    }
}
