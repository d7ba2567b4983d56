package dev.aegis.gateway.internal;

import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.ratelimit.api.LimitScope;
import dev.aegis.ratelimit.api.UnavailablePolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One validated routes file (see docs/GATEWAY.md for the format): issuers, the shared rate-limit store and
 * the routes, as immutable records. Built only by {@link RouteFileParser}; optional parts are {@code null}
 * only where a record says so.
 */
public record GatewayConfig(List<Issuer> issuers, List<Route> routes, Redis redis, URI revocationEvents) {

    public GatewayConfig {
        issuers = List.copyOf(issuers);
        routes = List.copyOf(routes);
    }

    /** A trusted token issuer: keys from OIDC discovery ({@code discovery}) or a JWKS URL; {@code audience} nullable. */
    public record Issuer(String name, String issuer, URI discovery, URI jwksUri, String audience,
                         Set<SigningAlgorithm> algorithms, Duration clockSkew, Duration refreshMinInterval) {
        public Issuer {
            Objects.requireNonNull(issuer, "issuer");
            algorithms = Set.copyOf(algorithms);
        }
    }

    /** Redis for cluster-exact limits; {@code null} in {@link GatewayConfig} means in-process limits. */
    public record Redis(String uri, UnavailablePolicy onUnavailable, Duration timeout) {
    }

    /** An upstream pool. {@code tls} nullable (plain HTTP upstream). */
    public record Upstream(List<URI> targets, Duration connectTimeout, Duration timeout, int retries,
                           String healthPath, Duration healthInterval, int breakerFailures, Duration breakerOpenFor,
                           UpstreamTls tls) {
        public Upstream {
            targets = List.copyOf(targets);
        }
    }

    /**
     * Upstream mTLS: the gateway's certificate and key and the CA it trusts (PEM files; all three null: the gateway's
     * own SVID and its trust domain), and the identity the upstream must carry (nullable only with files).
     */
    public record UpstreamTls(Path certificate, Path privateKey, Path trust, String expectedId) {
    }

    /** How a route authenticates. {@code methods} ⊆ {jwt, api-key, mtls, none}. */
    public record Auth(Set<String> methods, List<String> issuers, Set<String> scopes, Set<String> roles,
                       boolean requireSenderConstraint, boolean authorizationHook) {
        public Auth {
            methods = Set.copyOf(methods);
            issuers = List.copyOf(issuers);
            scopes = Set.copyOf(scopes);
            roles = Set.copyOf(roles);
        }

        boolean anonymous() {
            return methods.contains("none");
        }
    }

    /** One limit of a route. {@code algorithm}: sliding-window or token-bucket. */
    public record Limit(LimitScope by, int max, Duration window, boolean tokenBucket) {
    }

    /** CORS policy (Fetch standard); origins are exact. */
    public record Cors(Set<String> origins, Set<String> methods, Set<String> headers, Duration maxAge,
                       boolean credentials) {
        public Cors {
            origins = Set.copyOf(origins);
            methods = Set.copyOf(methods);
            headers = Set.copyOf(headers);
        }
    }

    /** Request hardening. {@code jsonSchema} and {@code cors} nullable; empty lists mean "no restriction". */
    public record Hardening(List<String> allowCidrs, List<String> denyCidrs, Set<String> contentTypes,
                            long maxBodyBytes, int maxHeaderBytes, int maxUriBytes, Path jsonSchema, Cors cors) {
        public Hardening {
            allowCidrs = List.copyOf(allowCidrs);
            denyCidrs = List.copyOf(denyCidrs);
            contentTypes = Set.copyOf(contentTypes);
        }
    }

    /** A route: host (nullable = any), path prefix, allowed methods, and what applies to it. */
    public record Route(String id, String host, String pathPrefix, Set<String> methods, Upstream upstream,
                        Auth auth, List<Limit> limits, Hardening hardening, int line) {
        public Route {
            methods = Set.copyOf(methods);
            limits = List.copyOf(limits);
        }
    }
}
