package dev.aegis.sdk.api.spiffe;

import java.util.Objects;

/**
 * A SPIFFE trust domain name: the authority part of a SPIFFE ID (SPIFFE-ID spec §2.1), 1..255 characters of
 * lower-case letters, digits, dot, dash and underscore. Upper case is rejected, not folded: an identity is
 * compared byte for byte, and a lenient parser would let two spellings name one domain.
 *
 * <p>Immutable; {@code name} is never {@code null}.
 *
 * @param name the trust domain name, e.g. {@code prod.example.org}
 */
public record TrustDomain(String name) {

    static final int MAX_LENGTH = 255;

    /** Validates. */
    public TrustDomain {
        Objects.requireNonNull(name, "name");
        String problem = check(name);
        if (problem != null) {
            throw new InvalidSpiffeIdException(problem);
        }
    }

    /**
     * @param name a trust domain name (not a SPIFFE ID)
     * @return the trust domain
     * @throws InvalidSpiffeIdException naming the rule that failed
     */
    public static TrustDomain of(String name) {
        return new TrustDomain(name);
    }

    /** @return {@code spiffe://<name>}, the ID of the trust domain itself (SPIFFE-ID spec §2.1) */
    public SpiffeId spiffeId() {
        return new SpiffeId(this, "");
    }

    /** @return a SPIFFE ID in this trust domain; {@code path} is empty or starts with {@code /} */
    public SpiffeId id(String path) {
        return new SpiffeId(this, path);
    }

    static String check(String name) {
        if (name.isEmpty()) {
            return InvalidSpiffeIdException.EMPTY_TRUST_DOMAIN;
        }
        if (name.length() > MAX_LENGTH) {
            return InvalidSpiffeIdException.TRUST_DOMAIN_TOO_LONG;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTrustDomainChar(name.charAt(i))) {
                return InvalidSpiffeIdException.BAD_TRUST_DOMAIN_CHAR;
            }
        }
        return null;
    }

    static boolean isTrustDomainChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    }

    @Override
    public String toString() {
        return name;
    }
}
