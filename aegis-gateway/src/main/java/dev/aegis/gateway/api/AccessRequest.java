package dev.aegis.gateway.api;

import java.util.Objects;
import java.util.Set;

/**
 * What the gateway knows about an authenticated request when it asks the {@link AuthorizationHook}: the
 * route, the action and the verified identity. Immutable.
 *
 * @param routeId       the matched route
 * @param method        HTTP method
 * @param path          the normalised path
 * @param authMethod    {@code jwt}, {@code api-key}, {@code mtls} or {@code none}
 * @param subject       {@code sub}, the API key's consumer, or the certificate subject ("" if anonymous)
 * @param issuer        the configured issuer name for JWTs, else ""
 * @param clientId      {@code client_id}/{@code azp}, or ""
 * @param apiKeyId      the API key id, or ""
 * @param scopes        verified scopes
 * @param roles         verified roles
 * @param sourceAddress the caller's IP address
 */
public record AccessRequest(String routeId, String method, String path, String authMethod, String subject,
                            String issuer, String clientId, String apiKeyId, Set<String> scopes, Set<String> roles,
                            String sourceAddress) {
    /** Validates and copies. */
    public AccessRequest {
        Objects.requireNonNull(routeId, "routeId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(authMethod, "authMethod");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(apiKeyId, "apiKeyId");
        scopes = Set.copyOf(scopes);
        roles = Set.copyOf(roles);
        Objects.requireNonNull(sourceAddress, "sourceAddress");
    }
}
