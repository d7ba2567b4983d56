package dev.aegis.server.demo;

import dev.aegis.examples.api.FleetService;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.net.URI;
import java.nio.file.Path;

/**
 * The demo gateway's routes file (docs/GATEWAY.md): JWTs of the control plane (audience {@code orders}) in
 * front of orders over mTLS with the gateway's SVID, the upstream's SPIFFE ID checked. The {@code /orders}
 * route deliberately checks no scope, so that a token without {@code orders:write} reaches orders and is
 * denied there — at the service, not only at the gateway; {@code /orders/burst} is rate limited.
 */
final class DemoRoutes {
    static final String GATEWAY_CERT = "gateway-svid.pem";
    static final String GATEWAY_KEY = "gateway-svid-key.pem";
    static final String SPIFFE_BUNDLE = "spiffe-bundle.pem";

    private DemoRoutes() {
    }

    /** Until the fleet runs: one route with no reachable upstream (the gateway never starts without routes). */
    static String placeholder() {
        return """
                routes:
                  - id: starting
                    match: { path-prefix: /orders, methods: [POST] }
                    upstream: { targets: ["http://127.0.0.1:9"] }
                    auth: { methods: [none] }
                """;
    }

    static String full(String issuer, TrustDomain domain, URI orders, Path dir) {
        String upstream = "    upstream:\n"
                + "      targets: [\"" + orders + "\"]\n"
                + "      retries: 0\n"
                + "      tls: { certificate: " + dir.resolve(GATEWAY_CERT) + ", private-key: " + dir.resolve(GATEWAY_KEY)
                + ", trust: " + dir.resolve(SPIFFE_BUNDLE) + ", expected-id: \"" + FleetService.ORDERS.spiffeId(domain) + "\" }\n";
        String auth = "    auth: { methods: [jwt], issuers: [aegis] }\n";
        return "issuers:\n"
                + "  - name: aegis\n"
                + "    issuer: " + issuer + "\n"
                + "    discovery: " + issuer + "/.well-known/openid-configuration\n"
                + "    audience: " + FleetService.ORDERS.id() + "\n"
                + "routes:\n"
                + "  - id: orders-burst\n"
                + "    match: { path-prefix: " + DemoSystem.BURST_PATH + ", methods: [POST] }\n"
                + upstream + auth
                + "    limits:\n"
                + "      - { by: source, max: " + DemoSystem.BURST_LIMIT + ", window: 10s }\n"
                + "  - id: orders\n"
                + "    match: { path-prefix: " + FleetService.ORDERS.path() + ", methods: [POST] }\n"
                + upstream + auth;
    }
}
