package dev.aegis.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two control-plane nodes share one database. A revocation made on node A reaches an SDK that polls node B
 * within a second: B learns it from the platform event stream (cross-node polling) and reloads its revocation
 * list at once instead of at its next tick.
 */
class ClusterRevocationTest {

    @TempDir
    Path dir;

    @Test
    void revocationOnOneNodeReachesSdksOfAnotherNodeWithinOneSecond() throws Exception {
        try (PkiTestServer nodeA = new PkiTestServer(dir, Map.of());
             AegisServer nodeB = AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("data-dir", dir.toString(),
                     "server.port", "0", "pki.mtls.port", "0", "pki.trust-domain", PkiTestServer.DOMAIN.name(),
                     "server.shutdown-grace", "1s", "logging.format", "text")), Clock.systemUTC())) {
            SpiffeId apiId = nodeA.register("/api");
            SpiffeId backendId = nodeA.register("/backend");
            try (WorkloadIdentity api = nodeA.identity(apiId, PeerAuthorizer.allowing(backendId)).start();
                 WorkloadIdentity backend = WorkloadIdentity.builder().controlPlane(URI.create(nodeB.baseUrl()))
                         .mtlsEndpoint(URI.create(nodeB.mtlsUrl())).trustDomain(PkiTestServer.DOMAIN)
                         .joinToken(nodeA.joinToken(backendId)).authorizer(PeerAuthorizer.allowing(apiId)).start()) {
                WebServer service = WebServer.builder().host("127.0.0.1").port(0)
                        .tls(Tls.builder().sslContext(backend.sslContext()).clientAuth(TlsClientAuth.REQUIRED).build())
                        .routing(r -> r.get("/", (req, res) -> res.send("ok"))).build().start();
                try {
                    URI target = URI.create("https://127.0.0.1:" + service.port() + "/");
                    assertEquals(200, RotationUnderTrafficTest.call(api, target));
                    long start = System.nanoTime();
                    nodeA.adminPost("/admin/v1/workloads/revoke", "{\"spiffeId\":\"" + apiId + "\"}");
                    long refusedAfter = -1;
                    while (System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
                        if (RotationUnderTrafficTest.call(api, target) < 0) {
                            refusedAfter = (System.nanoTime() - start) / 1_000_000;
                            break;
                        }
                        Thread.sleep(20);
                    }
                    assertTrue(refusedAfter >= 0, "node B's SDK still accepted the revoked workload after 5 s");
                    assertTrue(refusedAfter < 1000, "cross-node revocation took " + refusedAfter + " ms");
                } finally {
                    service.stop();
                }
            }
        }
    }

}
