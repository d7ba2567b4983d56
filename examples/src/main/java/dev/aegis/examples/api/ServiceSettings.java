package dev.aegis.examples.api;

import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one fleet service needs to start.
 *
 * @param service          which service
 * @param host             the listen address
 * @param port             the listen port (0 picks a free one)
 * @param controlPlane     the control plane's main listener (HTTPS): join, token endpoint, event stream, audit
 * @param mtlsEndpoint     the control plane's workload mTLS listener (SVID renewal, trust documents)
 * @param controlPlaneCa   PEM file of the CA that signed the main listener's certificate
 * @param trustDomain      the SPIFFE trust domain
 * @param joinToken        the one-time join token for this service's SPIFFE ID
 * @param clientSecret     the service's OAuth client secret (client id = {@link FleetService#id()})
 * @param next             the URL of the next service; required unless the service is the end of the chain
 * @param authzStore       the authorization store ledger asks whether the user may write to the account
 *                         (required for ledger, which fails closed without it; unused elsewhere)
 *
 *                         <p>Immutable; secrets are {@link SecretBytes} (redacted in {@code toString}).
 */
public record ServiceSettings(FleetService service, String host, int port, URI controlPlane, URI mtlsEndpoint,
                              Path controlPlaneCa, TrustDomain trustDomain, SecretBytes joinToken,
                              SecretBytes clientSecret, Optional<URI> next, Optional<String> authzStore) {
    /** Validates. */
    public ServiceSettings {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535");
        }
        requireHttps(controlPlane, "controlPlane");
        requireHttps(mtlsEndpoint, "mtlsEndpoint");
        Objects.requireNonNull(controlPlaneCa, "controlPlaneCa");
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(joinToken, "joinToken");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(next, "next");
        next.ifPresent(uri -> requireHttps(uri, "next"));
        Objects.requireNonNull(authzStore, "authzStore");
        if (service == FleetService.LEDGER && authzStore.isEmpty()) {
            throw new IllegalArgumentException("ledger needs the authorization store of its account relationships");
        }
        if (service.next().isPresent() != next.isPresent()) {
            throw new IllegalArgumentException(service.id() + (next.isPresent()
                    ? " is the end of the chain and calls no next service" : " needs the URL of " + service.next().get().id()));
        }
    }

    private static void requireHttps(URI uri, String name) {
        Objects.requireNonNull(uri, name);
        if (!"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException(name + " must be an https URL (every hop is TLS)");
        }
    }

    /**
     * Reads the settings of a service started on its own (its {@code main}) from the environment:
     * {@code AEGIS_URL}, {@code AEGIS_MTLS_URL}, {@code AEGIS_CA_FILE}, {@code AEGIS_TRUST_DOMAIN} (default
     * {@code aegis.local}), {@code AEGIS_JOIN_TOKEN}, {@code AEGIS_CLIENT_SECRET}, {@code PORT} (default 0),
     * {@code HOST} (default 127.0.0.1), {@code NEXT_URL}, {@code AEGIS_AUTHZ_STORE} (ledger).
     */
    public static ServiceSettings fromEnvironment(FleetService service, Map<String, String> env) {
        return new ServiceSettings(service, env.getOrDefault("HOST", "127.0.0.1"),
                Integer.parseInt(env.getOrDefault("PORT", "0")), URI.create(required(env, "AEGIS_URL")),
                URI.create(required(env, "AEGIS_MTLS_URL")), Path.of(required(env, "AEGIS_CA_FILE")),
                TrustDomain.of(env.getOrDefault("AEGIS_TRUST_DOMAIN", "aegis.local")),
                secret(required(env, "AEGIS_JOIN_TOKEN")), secret(required(env, "AEGIS_CLIENT_SECRET")),
                Optional.ofNullable(env.get("NEXT_URL")).map(URI::create), Optional.ofNullable(env.get("AEGIS_AUTHZ_STORE")));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is required");
        }
        return value;
    }

    private static SecretBytes secret(String value) {
        return SecretBytes.copyOf(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
