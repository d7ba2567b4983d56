package dev.aegis.sdk.api.spiffe;

import java.util.Objects;

/**
 * A SPIFFE ID, {@code spiffe://<trust-domain><path>} (SPIFFE-ID specification §2). Parsed by a strict,
 * character-by-character allow-list: no URI library, no case folding, no percent-decoding, no query, fragment,
 * port or user info (their characters are simply not in the alphabet).
 *
 * <p>Immutable; components are never {@code null}. {@link #toString()} is the canonical form, so two IDs are
 * equal exactly when their strings are.
 *
 * @param trustDomain the trust domain
 * @param path        empty, or one or more {@code /segment}s of {@code [A-Za-z0-9._-]}
 */
public record SpiffeId(TrustDomain trustDomain, String path) {

    static final String SCHEME = "spiffe://";
    static final int MAX_LENGTH = 2048;

    /** Validates. */
    public SpiffeId {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(path, "path");
        String problem = checkPath(path);
        if (problem == null && SCHEME.length() + trustDomain.name().length() + path.length() > MAX_LENGTH) {
            problem = InvalidSpiffeIdException.TOO_LONG;
        }
        if (problem != null) {
            throw new InvalidSpiffeIdException(problem);
        }
    }

    /**
     * @param id a SPIFFE ID such as {@code spiffe://prod.example.org/payments/api}
     * @return the parsed ID
     * @throws InvalidSpiffeIdException naming the first rule that failed; the message never echoes the input
     */
    public static SpiffeId parse(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new InvalidSpiffeIdException(InvalidSpiffeIdException.EMPTY);
        }
        if (!id.startsWith(SCHEME)) {
            throw new InvalidSpiffeIdException(InvalidSpiffeIdException.WRONG_SCHEME);
        }
        if (id.length() > MAX_LENGTH) {
            throw new InvalidSpiffeIdException(InvalidSpiffeIdException.TOO_LONG);
        }
        int slash = id.indexOf('/', SCHEME.length());
        String domain = slash < 0 ? id.substring(SCHEME.length()) : id.substring(SCHEME.length(), slash);
        String path = slash < 0 ? "" : id.substring(slash);
        return new SpiffeId(new TrustDomain(domain), path);
    }

    /**
     * @param id a candidate
     * @return whether {@link #parse} would accept it
     */
    public static boolean isValid(String id) {
        try {
            parse(id);
            return true;
        } catch (InvalidSpiffeIdException e) {
            return false;
        }
    }

    /** @return whether this ID belongs to {@code domain} */
    public boolean memberOf(TrustDomain domain) {
        return trustDomain.equals(domain);
    }

    static String checkPath(String path) {
        if (path.isEmpty()) {
            return null;
        }
        if (path.charAt(0) != '/') {
            return InvalidSpiffeIdException.PATH_NOT_ABSOLUTE;
        }
        int segmentStart = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i < path.length() && path.charAt(i) != '/') {
                if (!isPathChar(path.charAt(i))) {
                    return InvalidSpiffeIdException.BAD_PATH_CHAR;
                }
                continue;
            }
            int len = i - segmentStart;
            if (len == 0) {
                return i == path.length() ? InvalidSpiffeIdException.TRAILING_SLASH : InvalidSpiffeIdException.EMPTY_SEGMENT;
            }
            if ((len == 1 && path.charAt(segmentStart) == '.')
                    || (len == 2 && path.charAt(segmentStart) == '.' && path.charAt(segmentStart + 1) == '.')) {
                return InvalidSpiffeIdException.DOT_SEGMENT;
            }
            segmentStart = i + 1;
        }
        return null;
    }

    static boolean isPathChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    }

    /** @return the canonical string form {@code spiffe://<trust-domain><path>} */
    @Override
    public String toString() {
        return SCHEME + trustDomain.name() + path;
    }
}
