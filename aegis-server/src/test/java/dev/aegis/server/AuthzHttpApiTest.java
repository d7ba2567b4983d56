package dev.aegis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The authorization API over real HTTP: access rule, OpenFGA error JSON, explain, consistency tokens, audit. */
class AuthzHttpApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static AegisServer server;
    static String admin;
    static String storeId;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(dir);
        admin = server.bootstrapCredential().orElseThrow();
        storeId = call("POST", "/stores", "{\"name\":\"http\"}", admin).json().get("id").asText();
        HttpResponse<String> model = send("POST", "/stores/" + storeId + "/authorization-models", """
                model
                  schema 1.1
                type user
                type group
                  relations
                    define member: [user, group#member]
                type doc
                  relations
                    define owner: [user]
                    define reader: [user, group#member] or owner
                """, admin, "text/plain");
        assertEquals(201, model.statusCode(), model.body());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Reply(int status, JsonNode json, HttpResponse<String> raw) { }

    static HttpResponse<String> send(String method, String path, String body, String credential, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        return TestServers.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Reply call(String method, String path, String body, String credential) throws Exception {
        HttpResponse<String> r = send(method, path, body, credential, "application/json");
        return new Reply(r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()), r);
    }

    static Reply post(String op, String body) throws Exception {
        return call("POST", "/stores/" + storeId + "/" + op, body, admin);
    }

    private static String signedToken(String scope) {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), Clock.systemUTC());
            KeyRing ring = keys.loadRing(KeyMaterialStore.TOKENS_RING);
            // As the identity provider issues them for the control plane: iss = aud = the issuer, with a jti.
            JwtClaims.Builder claims = JwtClaims.builder().issuer(server.baseUrl()).audience(server.baseUrl())
                    .subject("svc-orders").jwtId(java.util.UUID.randomUUID().toString())
                    .expiresAt(Instant.now().plus(5, ChronoUnit.MINUTES));
            if (scope != null) {
                claims.claim("scope", scope);
            }
            return new JwtSigner(() -> ring).sign(claims.build(), "at+jwt");
        }
    }

    @Test
    void accessTokenWithTheAuthzScopeIsAcceptedAndWithoutItRefused() throws Exception {
        assertEquals(200, call("GET", "/stores/" + storeId, null, signedToken("openid aegis:authz")).status());
        Reply refused = call("GET", "/stores/" + storeId, null, signedToken("openid profile"));
        assertEquals(401, refused.status());
        assertEquals("unauthenticated", refused.json().get("code").asText());
        assertEquals(401, call("GET", "/stores/" + storeId, null, signedToken(null)).status());
    }

    @Test
    void aTokenScopedToOneStoreCannotReadOrWriteAnotherTenantsStore() throws Exception {
        String other = call("POST", "/stores", "{\"name\":\"other tenant\"}", admin).json().get("id").asText();
        assertEquals(201, send("POST", "/stores/" + other + "/authorization-models",
                "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define owner: [user]\n", admin, "text/plain")
                .statusCode());
        String mine = signedToken("openid " + dev.aegis.server.http.AuthzRoutes.storeScope(storeId));
        assertEquals(200, call("GET", "/stores/" + storeId, null, mine).status(), "its own store");
        Reply check = call("POST", "/stores/" + storeId + "/check",
                "{\"tuple_key\":{\"object\":\"doc:s\",\"relation\":\"owner\",\"user\":\"user:s\"}}", mine);
        assertEquals(200, check.status(), check.json().toString());

        Reply read = call("GET", "/stores/" + other, null, mine);
        assertEquals(403, read.status());
        assertEquals("forbidden", read.json().get("code").asText());
        String write = "{\"writes\":{\"tuple_keys\":[{\"object\":\"doc:o\",\"relation\":\"owner\",\"user\":\"user:intruder\"}]}}";
        assertEquals(403, call("POST", "/stores/" + other + "/write", write, mine).status());
        Reply owner = call("POST", "/stores/" + other + "/check",
                "{\"tuple_key\":{\"object\":\"doc:o\",\"relation\":\"owner\",\"user\":\"user:intruder\"},"
                        + "\"consistency\":\"HIGHER_CONSISTENCY\"}", admin);
        assertFalse(owner.json().get("allowed").asBoolean(), "the refused write wrote nothing");
        assertEquals(403, call("GET", "/stores", null, mine).status(), "nor the list of every tenant's stores");
        assertEquals(403, call("POST", "/stores", "{\"name\":\"x\"}", mine).status(), "nor creating stores");
        assertEquals(403, call("DELETE", "/stores/" + other, null, mine).status());
        assertEquals(200, call("GET", "/stores/" + other, null, admin).status(), "the other store is still there");
    }

    @Test
    void aStoreScopeMatchesTheWholeStoreIdNotAPrefixOrSuffix() throws Exception {
        String prefix = signedToken(dev.aegis.server.http.AuthzRoutes.storeScope(storeId.substring(0, 20)));
        assertEquals(403, call("GET", "/stores/" + storeId, null, prefix).status());
        String longer = signedToken(dev.aegis.server.http.AuthzRoutes.storeScope("X" + storeId));
        assertEquals(403, call("GET", "/stores/" + storeId, null, longer).status());
        assertEquals(401, call("GET", "/stores/" + storeId, null, signedToken("aegis:authzz")).status());
        assertEquals(200, call("GET", "/stores", null, signedToken("aegis:authz")).status(), "the whole-API scope");
    }

    /** A token a service received for its own audience must not be replayable against the control plane. */
    @Test
    void aTokenForAnotherAudienceIsRefusedEvenWithTheScope() throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            KeyRing ring = new KeyMaterialStore(store, RootKeyFile.openOrCreate(dir.resolve("root.key")), Clock.systemUTC())
                    .loadRing(KeyMaterialStore.TOKENS_RING);
            String forOrders = new JwtSigner(() -> ring).sign(JwtClaims.builder().issuer(server.baseUrl()).audience("orders")
                    .subject("svc-orders").jwtId("j-orders").claim("scope", "aegis:authz")
                    .expiresAt(Instant.now().plus(5, ChronoUnit.MINUTES)).build(), "at+jwt");
            assertEquals(401, call("GET", "/stores/" + storeId, null, forOrders).status());
        }
    }

    @Test
    void errorsUseOpenFgaErrorJsonAndNeverEchoABodyOrStack() throws Exception {
        Reply badJson = post("check", "{not json");
        assertEquals(400, badJson.status());
        assertEquals("validation_error", badJson.json().get("code").asText());
        assertEquals("the request body is not valid JSON", badJson.json().get("message").asText());

        Reply noStore = call("POST", "/stores/01HZZZZZZZZZZZZZZZZZZZZZZZ/check", "{}", admin);
        assertEquals(404, noStore.status());
        assertEquals("store_id_not_found", noStore.json().get("code").asText());

        Reply junkStore = call("GET", "/stores/not-a-store-id", null, admin);
        assertEquals(400, junkStore.status());
        assertEquals("invalid store_id", junkStore.json().get("message").asText());

        Reply endpoint = post("nosuch", "{}");
        assertEquals(404, endpoint.status());
        assertEquals("undefined_endpoint", endpoint.json().get("code").asText());

        HttpResponse<String> badDsl = send("POST", "/stores/" + storeId + "/authorization-models",
                "model\n  schema 1.1\ntype user\n  relations\n    define x: [nosuchtype]\n", admin, "text/plain");
        assertEquals(400, badDsl.statusCode());
        assertTrue(badDsl.body().contains("\"code\":\"invalid_authorization_model\""), badDsl.body());
        assertTrue(badDsl.body().contains("line 5"), badDsl.body());
        assertFalse(badDsl.body().contains("Exception"), badDsl.body());
    }

    @Test
    void writeReturnsAConsistencyTokenAndDuplicatesFailUnlessIgnored() throws Exception {
        String write = "{\"writes\":{\"tuple_keys\":[{\"object\":\"doc:w\",\"relation\":\"owner\",\"user\":\"user:wu\"}]}}";
        Reply first = post("write", write);
        assertEquals(200, first.status(), first.json().toString());
        String token = first.json().get("consistency_token").asText();
        assertEquals(token, first.raw().headers().firstValue("Aegis-Consistency-Token").orElseThrow());
        Reply dup = post("write", write);
        assertEquals(400, dup.status());
        assertEquals("write_failed_due_to_invalid_input", dup.json().get("code").asText());
        Reply ignored = post("write", write.replace("]}}", "],\"on_duplicate\":\"ignore\"}}"));
        assertEquals(200, ignored.status(), ignored.json().toString());
        Reply missing = post("write", "{\"deletes\":{\"tuple_keys\":[{\"object\":\"doc:none\",\"relation\":\"owner\",\"user\":\"user:wu\"}],"
                + "\"on_missing\":\"ignore\"}}");
        assertEquals(200, missing.status(), missing.json().toString());
        Reply precondition = post("write", "{\"writes\":{\"tuple_keys\":[{\"object\":\"doc:w2\",\"relation\":\"owner\",\"user\":\"user:wu\"}]},"
                + "\"preconditions\":[{\"must\":\"exist\",\"tuple_key\":{\"object\":\"doc:nope\",\"relation\":\"owner\",\"user\":\"user:wu\"}}]}");
        assertEquals(409, precondition.status());
        assertEquals("precondition_failed", precondition.json().get("code").asText());
        Reply check = post("check", "{\"tuple_key\":{\"object\":\"doc:w2\",\"relation\":\"owner\",\"user\":\"user:wu\"},"
                + "\"consistency\":\"HIGHER_CONSISTENCY\"}");
        assertFalse(check.json().get("allowed").asBoolean(), "a failed precondition wrote nothing");
    }

    @Test
    void explainShowsThePathThatGrantedAndDenialsAreAuditedWithTheirExplanation() throws Exception {
        post("write", "{\"writes\":{\"tuple_keys\":[{\"object\":\"group:eng\",\"relation\":\"member\",\"user\":\"user:eve\"},"
                + "{\"object\":\"doc:x\",\"relation\":\"reader\",\"user\":\"group:eng#member\"}]}}");
        Reply allowed = post("check", "{\"tuple_key\":{\"object\":\"doc:x\",\"relation\":\"reader\",\"user\":\"user:eve\"},\"explain\":true}");
        assertTrue(allowed.json().get("allowed").asBoolean());
        String path = allowed.json().get("explain").toString();
        assertTrue(path.contains("via doc:x#reader@group:eng#member"), path);
        assertTrue(path.contains("tuple group:eng#member@user:eve"), path);

        Reply denied = post("check", "{\"tuple_key\":{\"object\":\"doc:x\",\"relation\":\"owner\",\"user\":\"user:mallory\"}}");
        assertFalse(denied.json().get("allowed").asBoolean());
        assertFalse(denied.json().has("explain"), "the audit record's explanation is not in an answer that did not ask");
        // the denial's record is queued and written right after the answer: wait for it
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            String[] row = null;
            for (int i = 0; i < 100 && row == null; i++) {
                row = deniedRecord(store);
                if (row == null) {
                    Thread.sleep(50);
                }
            }
            assertTrue(row != null, "the denial is audited");
            assertEquals("bootstrap-admin", row[0]);
            assertEquals("DENY", row[1]);
            assertTrue(row[2].contains("explain"), row[2]);
            assertTrue(row[2].contains("- doc:x#owner@user:mallory"), "the explanation says what failed: " + row[2]);
            assertFalse(row[2].contains(admin), "no credential in audit details");
        }
    }

    private static String[] deniedRecord(Store store) throws Exception {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT actor, decision, details FROM audit_records "
                     + "WHERE action = 'authz.check' AND subject = 'user:mallory' AND resource = 'doc:x#owner'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new String[] {rs.getString(1), rs.getString(2), rs.getString(3)} : null;
        }
    }
}
