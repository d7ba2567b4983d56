package dev.aegis.core.api.keys;

/**
 * Life cycle of a signing key (NIST SP 800-57 Part 1 §5.3, "pre-activation / active / deactivated / destroyed"):
 * <ol>
 *   <li>{@link #PENDING}: published in the JWKS so verifiers learn it, not yet used to sign;</li>
 *   <li>{@link #ACTIVE}: the one key that signs new tokens;</li>
 *   <li>{@link #RETIRED}: no longer signs, still published until every token it signed has expired;</li>
 *   <li>{@link #DESTROYED}: private material erased, no longer published; kept only as a record.</li>
 * </ol>
 * Legal transitions: PENDING→ACTIVE, PENDING→RETIRED (superseded before use), ACTIVE→RETIRED, RETIRED→DESTROYED.
 */
public enum KeyState {
    /** Published, not yet signing. */
    PENDING,
    /** Signing new tokens. */
    ACTIVE,
    /** Verifying only, until its tokens have expired. */
    RETIRED,
    /** Private material erased; not published. */
    DESTROYED
}
