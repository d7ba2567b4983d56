package dev.aegis.pki.api;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.util.Objects;

/** Outcome of authenticating a presented X509-SVID chain against this trust domain (renewal, JWT-SVIDs). */
public sealed interface SvidAuthentication {

    /** @param spiffeId the authenticated workload */
    record Authenticated(SpiffeId spiffeId) implements SvidAuthentication {
        /** Validates. */
        public Authenticated {
            Objects.requireNonNull(spiffeId, "spiffeId");
        }
    }

    /** @param refusal why not, as an issuance refusal ({@code invalid_svid} or {@code svid_revoked}) */
    record NotAuthenticated(Issuance.Refused refusal) implements SvidAuthentication {
        /** Validates. */
        public NotAuthenticated {
            Objects.requireNonNull(refusal, "refusal");
        }
    }
}
