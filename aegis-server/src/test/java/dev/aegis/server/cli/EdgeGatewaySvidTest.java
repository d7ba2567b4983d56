package dev.aegis.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.server.config.ConfigLoader;
import dev.aegis.server.pki.PkiTestServer;
import dev.aegis.server.runtime.GatewayComponent;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge gateway ({@code aegis gateway}: no CA in process) joins the workload CA with a join token
 * ({@code gateway.workload.*}), then calls a SPIFFE-authenticated service that accepts only the gateway's SPIFFE ID;
 * a route expecting another upstream ID is refused.
 */
class EdgeGatewaySvidTest {

    @TempDir
    Path dir;

    @Test
    void edgeGatewayJoinsWithAJoinTokenAndCallsAnUpstreamThatOnlyAcceptsItsSvid() throws Exception {
        try (PkiTestServer cp = new PkiTestServer(dir.resolve("cp"), Map.of())) {
            SpiffeId gatewayId = cp.register("/edge-gateway");
            SpiffeId ordersId = cp.register("/orders");
            try (WorkloadIdentity orders = cp.identity(ordersId, PeerAuthorizer.allowing(gatewayId)).start()) {
                WebServer service = WebServer.builder().host("127.0.0.1").port(0)
                        .tls(Tls.builder().sslContext(orders.sslContext()).clientAuth(TlsClientAuth.REQUIRED).build())
                        .routing(r -> r.any((req, res) -> res.send("orders"))).build().start();
                Path routes = dir.resolve("routes.yaml");
                Files.writeString(routes, """
                        routes:
                          - id: orders
                            match: { path-prefix: /orders }
                            upstream: { targets: ["https://127.0.0.1:%1$d"], tls: { expected-id: "%2$s" } }
                            auth: { methods: [none] }
                          - id: billing
                            match: { path-prefix: /billing }
                            upstream: { targets: ["https://127.0.0.1:%1$d"], retries: 0, tls: { expected-id: "%3$s" } }
                            auth: { methods: [none] }
                        """.formatted(service.port(), ordersId, PkiTestServer.DOMAIN.id("/billing")));
                AegisConfig cfg = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("data-dir", dir.resolve("cp").toString(), // the same database, as an edge node shares it
                        "gateway.routes-file", routes.toString(), "gateway.port", "0",
                        "pki.trust-domain", PkiTestServer.DOMAIN.name(),
                        "gateway.workload.control-plane", cp.server.baseUrl(),
                        "gateway.workload.mtls-endpoint", cp.server.mtlsUrl(),
                        "gateway.workload.join-token", cp.joinToken(gatewayId)));
                try (PlatformSession session = new PlatformSession(cfg, 4);
                     WorkloadIdentity svid = GatewayComponent.joinWorkloadCa(cfg.gateway().orElseThrow().workload().orElseThrow(),
                             cfg.pki().trustDomain());
                     GatewayComponent gateway = GatewayComponent.start(cfg.gateway(), session.store, session.audit, null,
                             new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(),
                             () -> GatewayComponent.upstreamIdentity(svid))) {
                    assertEquals(gatewayId, svid.spiffeId());
                    int port = gateway.gateway().orElseThrow().port();
                    HttpResponse<String> ok = get("http://127.0.0.1:" + port + "/orders/7");
                    assertEquals(200, ok.statusCode(), ok.body());
                    assertEquals("orders", ok.body());
                    assertEquals(502, get("http://127.0.0.1:" + port + "/billing/7").statusCode(),
                            "the upstream's SPIFFE ID is not the route's expected-id");
                } finally {
                    service.stop();
                }
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
