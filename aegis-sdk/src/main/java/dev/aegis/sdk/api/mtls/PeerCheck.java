package dev.aegis.sdk.api.mtls;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.util.Objects;

/**
 * Outcome of {@link PeerVerifier#verify}: the peer's X509-SVID is accepted, or refused with the reason. An
 * expected security result, a value; switch on it exhaustively.
 */
public sealed interface PeerCheck {

    /**
     * Every check passed.
     *
     * @param spiffeId the authenticated peer
     * @param serial   the peer leaf's serial, lower-case hex
     */
    record Accepted(SpiffeId spiffeId, String serial) implements PeerCheck {
        /** Validates. */
        public Accepted {
            Objects.requireNonNull(spiffeId, "spiffeId");
            Objects.requireNonNull(serial, "serial");
        }
    }

    /**
     * The peer is refused.
     *
     * @param reason the rule that failed
     * @param detail for logs; contains no key material
     */
    record Refused(Reason reason, String detail) implements PeerCheck {
        /** Validates. */
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Why a peer was refused. */
    enum Reason {
        /** The peer presented no certificate. */
        NO_CERTIFICATE,
        /** The leaf breaks a rule of the X509-SVID specification. */
        NOT_AN_SVID,
        /** The peer's trust domain is neither ours nor federated: there is no bundle to check it against. */
        UNKNOWN_TRUST_DOMAIN,
        /** The leaf is outside its validity period. */
        EXPIRED,
        /** The chain does not lead to an X.509 authority of the peer's trust domain bundle. */
        CHAIN_INVALID,
        /** The leaf's serial, a signer's serial or the workload is revoked. */
        REVOKED,
        /** The SPIFFE ID is not on the allow-list. */
        NOT_ALLOWED,
        /** A pin policy applies and no key of the chain matches its pins. */
        PIN_MISMATCH
    }
}
