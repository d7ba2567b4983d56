package dev.aegis.identity.internal;

/** What a grant handler decided: tokens, or an RFC 6749 §5.2 error. */
public sealed interface GrantOutcome permits GrantOutcome.Granted, GrantOutcome.Denied {

    /** @param response the tokens */
    record Granted(TokenResponse response) implements GrantOutcome {
    }

    /** @param error the error to answer; @param auditReason why, for the audit record (never a secret) */
    record Denied(OAuthError error, String auditReason) implements GrantOutcome {
    }

    static Denied deny(OAuthError error, String auditReason) {
        return new Denied(error, auditReason);
    }
}
