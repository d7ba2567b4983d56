package dev.aegis.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerCheck;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pin policy published through the admin API is signed by the control plane, fetched by a running SDK over
 * the mTLS listener, verified, and enforced on the next handshake: a policy pinning a key outside the peer's
 * chain refuses it (PIN_MISMATCH); the next version pinning the CA root (with a backup pin) accepts it again.
 */
class PinPolicyEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void publishedPinPolicyIsEnforcedBySdksAndANewVersionReplacesIt() throws Exception {
        try (PkiTestServer aegis = new PkiTestServer(dir, Map.of())) {
            SpiffeId apiId = aegis.register("/api");
            SpiffeId backendId = aegis.register("/backend");
            List<PeerCheck> seen = new CopyOnWriteArrayList<>();
            try (WorkloadIdentity backend = aegis.identity(backendId, PeerAuthorizer.allowing(apiId)).start();
                 WorkloadIdentity api = aegis.identity(apiId, PeerAuthorizer.allowing(backendId)).observer(seen::add).start()) {
                WebServer service = WebServer.builder().host("127.0.0.1").port(0)
                        .tls(Tls.builder().sslContext(backend.sslContext()).clientAuth(TlsClientAuth.REQUIRED).build())
                        .routing(r -> r.get("/", (req, res) -> res.send("ok"))).build().start();
                try {
                    URI target = URI.create("https://127.0.0.1:" + service.port() + "/");
                    assertEquals(200, RotationUnderTrafficTest.call(api, target));
                    JsonNode ca = aegis.adminGet("/admin/v1/ca").path("generations").get(0);
                    String root = ca.path("rootSpkiSha256").asText();
                    String intermediate = ca.path("intermediateSpkiSha256").asText();
                    String elsewhere = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
                    String elsewhereBackup = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=";
                    aegis.adminPost("/admin/v1/pins", "{\"scope\":\"spiffe://test.aegis\",\"pins\":[\"" + elsewhere
                            + "\"],\"backupPins\":[\"" + elsewhereBackup + "\"],\"ttl\":\"1d\"}");
                    api.refreshTrustNow();
                    assertEquals(-1, RotationUnderTrafficTest.call(api, target));
                    assertEquals(PeerCheck.Reason.PIN_MISMATCH, ((PeerCheck.Refused) seen.getLast()).reason());
                    JsonNode v2 = aegis.adminPost("/admin/v1/pins", "{\"scope\":\"spiffe://test.aegis\",\"pins\":[\"" + root
                            + "\"],\"backupPins\":[\"" + intermediate + "\"],\"ttl\":\"1d\"}");
                    assertEquals(2, v2.path("version").asLong());
                    api.refreshTrustNow();
                    assertEquals(200, RotationUnderTrafficTest.call(api, target));
                    assertTrue(seen.getLast() instanceof PeerCheck.Accepted);
                } finally {
                    service.stop();
                }
            }
        }
    }

}
