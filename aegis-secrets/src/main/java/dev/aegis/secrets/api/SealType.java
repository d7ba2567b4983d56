package dev.aegis.secrets.api;

/** Where the root key of the secrets barrier comes from. */
public enum SealType {
    /** From the local root key file (single node, embedded default): the barrier unseals itself at start-up. */
    FILE,
    /** From Shamir shares (default 5 shares, threshold 3) given by operators through {@code sys/unseal}. */
    SHAMIR
}
