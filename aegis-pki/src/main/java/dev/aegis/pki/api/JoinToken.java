package dev.aegis.pki.api;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.time.Instant;
import java.util.Objects;

/**
 * A one-time join token as minted: the secret is shown once to the administrator and stored only as its
 * HMAC fingerprint. Not a record: {@code toString} must not print the secret.
 */
public final class JoinToken {
    private final String secret;
    private final SpiffeId spiffeId;
    private final Instant expiresAt;

    JoinToken(String secret, SpiffeId spiffeId, Instant expiresAt) {
        this.secret = Objects.requireNonNull(secret, "secret");
        this.spiffeId = Objects.requireNonNull(spiffeId, "spiffeId");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** @return the token in clear text, to hand to the workload once */
    public String revealSecret() {
        return secret;
    }

    /** @return the SPIFFE ID the token is bound to */
    public SpiffeId spiffeId() {
        return spiffeId;
    }

    /** @return when it stops being accepted */
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "JoinToken[" + spiffeId + ", expiresAt=" + expiresAt + ", secret=<redacted>]";
    }
}
