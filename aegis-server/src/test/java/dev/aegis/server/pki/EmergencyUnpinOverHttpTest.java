package dev.aegis.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency unpin over the admin API with two administrators, authenticated by access tokens with scope
 * {@code aegis:admin} (what the identity provider will issue; minted here with the platform token ring, read
 * beside the running node as {@code aegis audit verify} does): the requester cannot approve, a second admin can,
 * and the unpin is then served to SDKs as a signed document.
 */
class EmergencyUnpinOverHttpTest {

    @TempDir
    Path dir;

    /** An access token as the identity provider issues it for the control plane (iss = aud = the issuer). */
    private static String adminToken(KeyRing ring, String issuer, String name, String scope) {
        return new JwtSigner(() -> ring).sign(JwtClaims.builder().issuer(issuer).audience(issuer).subject(name)
                .jwtId(java.util.UUID.randomUUID().toString()).issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(300)).claim("scope", scope).build(), "at+jwt");
    }

    /** The platform's token ring, read beside the running node (as {@code aegis audit verify} reads it). */
    private KeyRing tokenRing() throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            return new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), Clock.systemUTC())
                    .loadRing(KeyMaterialStore.TOKENS_RING);
        }
    }

    @Test
    void adminStatusTakesAnAdminTokenButNotOneWithoutTheAdminScope() throws Exception {
        try (PkiTestServer aegis = new PkiTestServer(dir, Map.of())) {
            KeyRing tokens = tokenRing();
            HttpResponse<String> admin = aegis.get("/admin/v1/status",
                    adminToken(tokens, aegis.server.baseUrl(), "alice", "aegis:admin"));
            assertEquals(200, admin.statusCode(), admin.body());
            assertEquals(401, aegis.get("/admin/v1/status",
                    adminToken(tokens, aegis.server.baseUrl(), "mallory", "openid profile")).statusCode());
        }
    }

    @Test
    void emergencyUnpinNeedsTwoDistinctAdmins() throws Exception {
        try (PkiTestServer aegis = new PkiTestServer(dir, Map.of())) {
            KeyRing tokens = tokenRing();
            String alice = adminToken(tokens, aegis.server.baseUrl(), "alice", "openid aegis:admin");
            String bob = adminToken(tokens, aegis.server.baseUrl(), "bob", "aegis:admin");
            String mallory = adminToken(tokens, aegis.server.baseUrl(), "mallory", "openid profile");

            assertEquals(401, aegis.post("/admin/v1/pins/unpin", "{\"scope\":\"spiffe://test.aegis\",\"reason\":\"x\"}", mallory)
                    .statusCode(), "a token without aegis:admin is not an admin credential");
            HttpResponse<String> requested = aegis.post("/admin/v1/pins/unpin",
                    "{\"scope\":\"spiffe://test.aegis\",\"duration\":\"30m\",\"reason\":\"root key rollover went wrong\"}", alice);
            assertEquals(202, requested.statusCode(), requested.body());
            String id = PkiTestServer.JSON.readTree(requested.body()).path("requestId").asText();

            HttpResponse<String> self = aegis.post("/admin/v1/pins/unpin/approve", "{\"requestId\":\"" + id + "\"}", alice);
            assertEquals(403, self.statusCode());
            assertEquals("an emergency unpin needs two distinct administrators", PkiTestServer.JSON.readTree(self.body()).path("detail").asText());
            assertEquals(0, PkiTestServer.JSON.readTree(aegis.get("/pki/v1/pins", null).body()).path("policies").size());

            HttpResponse<String> approved = aegis.post("/admin/v1/pins/unpin/approve", "{\"requestId\":\"" + id + "\"}", bob);
            assertEquals(200, approved.statusCode(), approved.body());
            JsonNode policy = PkiTestServer.JSON.readTree(approved.body());
            assertTrue(policy.path("unpin").asBoolean());
            assertEquals(1, PkiTestServer.JSON.readTree(aegis.get("/pki/v1/pins", null).body()).path("policies").size(),
                    "the signed unpin is served to SDKs");
        }
    }
}
