package dev.aegis.pki.api;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Outcome of an X509-SVID issuance or renewal: issued, or refused with a client-safe reason. */
public sealed interface Issuance {

    /**
     * @param spiffeId  the SVID's ID
     * @param chain     leaf first, then the intermediate (the root is in the trust bundle)
     * @param serial    the leaf's serial, lower-case hex
     * @param expiresAt the leaf's notAfter
     */
    record Issued(SpiffeId spiffeId, List<X509Certificate> chain, String serial, Instant expiresAt) implements Issuance {
        /** Validates and copies. */
        public Issued {
            Objects.requireNonNull(spiffeId, "spiffeId");
            chain = List.copyOf(chain);
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * @param error  the reason
     * @param detail a fixed sentence naming the rule; never echoes the request or a secret
     */
    record Refused(IssuanceError error, String detail) implements Issuance {
        /** Validates. */
        public Refused {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
