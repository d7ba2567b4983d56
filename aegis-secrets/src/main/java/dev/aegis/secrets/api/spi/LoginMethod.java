package dev.aegis.secrets.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seam for further login methods ({@code auth/<mount>/login}): an Aegis access token (identity provider) or a
 * workload identity (JWT-SVID or mTLS SVID from the workload CA). The secrets manager turns an accepted login
 * into a Vault token with the returned policies; the method itself only verifies the credential.
 *
 * <p>Implementations must be thread-safe and must never log the credential.
 */
public interface LoginMethod {

    /** @return the auth method type as mounted in {@code sys/auth}, e.g. {@code aegis-token} */
    String type();

    /**
     * @param body          the login request's JSON fields
     * @param remoteAddress the client's IP address
     * @return the identity and policies on success; empty when the credential is not accepted
     */
    Optional<Login> verify(Map<String, Object> body, String remoteAddress);

    /**
     * An accepted login.
     *
     * @param displayName shown in token lookups
     * @param policies    policies of the token to issue
     * @param metadata    non-secret facts (subject, SPIFFE ID)
     */
    record Login(String displayName, List<String> policies, Map<String, String> metadata) {
        /** Copies. */
        public Login {
            policies = List.copyOf(policies);
            metadata = Map.copyOf(metadata);
        }
    }
}
