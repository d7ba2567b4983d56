package dev.aegis.audit.api;

/**
 * The outcome of the audited operation, as the deciding component saw it.
 *
 * <p>Immutable; part of the canonical encoding by its {@link #name()}, so constants must never be renamed.
 */
public enum AuditDecision {
    /** The operation was permitted (a credential accepted, an authorization granted). */
    ALLOW,
    /** The operation was refused (bad credential, policy denial, rate limit). */
    DENY,
    /** The operation could not be decided because something failed; zero-trust callers treat it as a denial. */
    ERROR,
    /** A fact that is not a decision: a key rotated, a configuration loaded, a checkpoint written. */
    INFO
}
