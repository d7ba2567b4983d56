package dev.aegis.policy.internal;

/**
 * How fresh the tuples of a read must be: the newest snapshot this node has ({@link #MINIMIZE_LATENCY}), at
 * least as fresh as a write's consistency token (Zanzibar's zookie), or fully consistent with the database
 * ({@code HIGHER_CONSISTENCY} in OpenFGA's terms). Immutable.
 */
public record Consistency(boolean full, long atLeast) {
    public static final Consistency MINIMIZE_LATENCY = new Consistency(false, 0);
    public static final Consistency FULL = new Consistency(true, 0);

    /** Consistency tokens are {@code "z"} + the change-log sequence; opaque to clients. */
    public static String token(long seq) {
        return "z" + seq;
    }

    /** @throws InvalidInputException for anything that is not a token this engine issued */
    public static long parseToken(String token) {
        if (token == null || token.length() < 2 || token.length() > 20 || token.charAt(0) != 'z') {
            throw new InvalidInputException("invalid consistency_token");
        }
        long v = 0;
        for (int i = 1; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidInputException("invalid consistency_token");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
