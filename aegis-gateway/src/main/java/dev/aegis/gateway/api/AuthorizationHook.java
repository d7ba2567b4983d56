package dev.aegis.gateway.api;

import java.util.Objects;

/**
 * The seam for fine-grained authorization (the policy engine plugs in here): asked for every request on a
 * route with {@code auth.authorization-hook: true}, after authentication and the route's scope/role checks.
 * A route that requires the hook when none is installed refuses every request (no allow-any default).
 *
 * <p>Implementations must be thread-safe and fast (a locally cached decision); an exception is a deny.
 */
@FunctionalInterface
public interface AuthorizationHook {

    /**
     * @param request the authenticated request
     * @return allow or deny; never {@code null}
     */
    Decision authorize(AccessRequest request);

    /** The hook's answer. */
    sealed interface Decision {
        /** The request may proceed. */
        record Allow() implements Decision {
        }

        /**
         * The request is refused with 403.
         *
         * @param reason for the audit trail (not shown to the client)
         */
        record Deny(String reason) implements Decision {
            /** Validates. */
            public Deny {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }
}
