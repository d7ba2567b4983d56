package dev.aegis.sdk.api.spiffe;

/**
 * A string is not a valid SPIFFE ID or trust domain. The message is one of the constants below, each naming one
 * rule of the SPIFFE-ID specification (§2), and never contains the rejected input.
 */
public final class InvalidSpiffeIdException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** SPIFFE-ID §2: the scheme is exactly {@code spiffe://} in lower case. */
    public static final String WRONG_SCHEME = "scheme must be 'spiffe://' (SPIFFE-ID §2)";
    /** SPIFFE-ID §2.1: the trust domain is not empty. */
    public static final String EMPTY_TRUST_DOMAIN = "trust domain is missing (SPIFFE-ID §2.1)";
    /** SPIFFE-ID §2.1: trust domain characters. */
    public static final String BAD_TRUST_DOMAIN_CHAR =
            "trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores (SPIFFE-ID §2.1)";
    /** SPIFFE-ID §2.1: at most 255 characters. */
    public static final String TRUST_DOMAIN_TOO_LONG = "trust domain is longer than 255 characters (SPIFFE-ID §2.1)";
    /** SPIFFE-ID §2.2: path characters. */
    public static final String BAD_PATH_CHAR =
            "path segment characters are limited to letters, numbers, dots, dashes, and underscores (SPIFFE-ID §2.2)";
    /** SPIFFE-ID §2.2: no empty segment. */
    public static final String EMPTY_SEGMENT = "path cannot contain empty segments (SPIFFE-ID §2.2)";
    /** SPIFFE-ID §2.2: no dot segments. */
    public static final String DOT_SEGMENT = "path cannot contain dot segments (SPIFFE-ID §2.2)";
    /** SPIFFE-ID §2.2: no trailing slash. */
    public static final String TRAILING_SLASH = "path cannot have a trailing slash (SPIFFE-ID §2.2)";
    /** SPIFFE-ID §2.2: a non-empty path starts with a slash. */
    public static final String PATH_NOT_ABSOLUTE = "path must be empty or start with '/' (SPIFFE-ID §2.2)";
    /** SPIFFE-ID §2.3: at most 2048 bytes. */
    public static final String TOO_LONG = "SPIFFE ID is longer than 2048 bytes (SPIFFE-ID §2.3)";
    /** Empty input. */
    public static final String EMPTY = "SPIFFE ID is empty";

    InvalidSpiffeIdException(String rule) {
        super(rule);
    }
}
