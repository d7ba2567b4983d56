package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.server.Main;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's protection (bootstrap credential or an {@code aegis:admin} access token), the CLI commands
 * that call it, and oversized and malformed requests at the OAuth endpoints: each gets an RFC 6749 §5.2 error
 * (or problem+json at the admin API) that echoes nothing.
 */
class AdminAndMalformedRequestTest {
    @TempDir
    static Path dataDir;
    static IdentityServer aegis;
    static String secret;

    @BeforeAll
    static void start() throws Exception {
        aegis = IdentityServer.start(dataDir);
        secret = aegis.createClient("{\"client_id\":\"svc\",\"scopes\":[\"api:read\",\"aegis:admin\"]}").get("client_secret").asText();
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    private static HttpResponse<String> token(String body) throws Exception {
        return aegis.form("/oauth2/token", body, "Authorization", IdentityServer.basic("svc", secret));
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return IdentityServer.JSON.readTree(r.body()).get("error").asText();
    }

    @Test
    void adminApiNeedsACredential() throws Exception {
        HttpResponse<String> none = aegis.get("/admin/v1/clients");
        assertEquals(401, none.statusCode());
        assertEquals("application/problem+json", none.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(401, aegis.get("/admin/v1/clients", "Authorization", "Bearer aegis_bootstrap_wrong").statusCode());
        HttpResponse<String> readOnly = token("grant_type=client_credentials&scope=api:read");
        String plain = IdentityServer.JSON.readTree(readOnly.body()).get("access_token").asText();
        assertEquals(401, aegis.get("/admin/v1/clients", "Authorization", "Bearer " + plain).statusCode(),
                "a token without aegis:admin is refused");
    }

    @Test
    void anAccessTokenWithTheAdminScopeManagesClients() throws Exception {
        String adminToken = IdentityServer.JSON.readTree(token("grant_type=client_credentials&scope=aegis:admin").body())
                .get("access_token").asText();
        HttpResponse<String> list = aegis.get("/admin/v1/clients", "Authorization", "Bearer " + adminToken);
        assertEquals(200, list.statusCode());
        JsonNode items = IdentityServer.JSON.readTree(list.body()).get("items");
        assertTrue(items.toString().contains("\"client_id\":\"svc\""));
        assertFalse(list.body().contains("\"client_secret\""), "secrets are never listed");
    }

    @Test
    void anAdminTokenAcceptedOnceIsRefusedOnceRevokedDespiteTheVerifyOnceCache() throws Exception {
        String adminToken = IdentityServer.JSON.readTree(token("grant_type=client_credentials&scope=aegis:admin").body())
                .get("access_token").asText();
        assertEquals(200, aegis.get("/admin/v1/clients", "Authorization", "Bearer " + adminToken).statusCode());
        assertEquals(200, aegis.get("/admin/v1/clients", "Authorization", "Bearer " + adminToken).statusCode(),
                "the second use is answered from the verified-token cache");
        assertEquals(200, aegis.form("/oauth2/revoke", "token=" + adminToken, "Authorization",
                IdentityServer.basic("svc", secret)).statusCode());
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        int status;
        do {
            status = aegis.get("/admin/v1/clients", "Authorization", "Bearer " + adminToken).statusCode();
        } while (status != 401 && System.nanoTime() < deadline);
        assertEquals(401, status, "the revocation reaches the cached token");
        String tampered = adminToken.substring(0, adminToken.length() - 2)
                + (adminToken.endsWith("AA") ? "BB" : "AA");
        assertEquals(401, aegis.get("/admin/v1/clients", "Authorization", "Bearer " + tampered).statusCode(),
                "a token differing from a cached one is verified afresh");
    }

    @Test
    void badClientRegistrationsAreProblemJsonNamingTheField() throws Exception {
        HttpResponse<String> bad = aegis.adminPost("/admin/v1/clients", "{\"client_id\":\"x y\"}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("client_id must be"), bad.body());
        assertEquals(400, aegis.adminPost("/admin/v1/clients", "{\"grant_types\":[\"password\"]}").statusCode());
        assertEquals(400, aegis.adminPost("/admin/v1/clients", "{\"grant_types\":[\"authorization_code\"],"
                + "\"redirect_uris\":[\"http://evil.example/cb\"]}").statusCode(), "plain http only for loopback");
        assertEquals(400, aegis.adminPost("/admin/v1/clients", "not json").statusCode());
        assertEquals(409, aegis.adminPost("/admin/v1/clients", "{\"client_id\":\"svc\"}").statusCode());
        assertEquals(413, aegis.adminPost("/admin/v1/clients", "{\"client_name\":\"" + "a".repeat(70_000) + "\"}").statusCode());
    }

    @Test
    void oversizedTokenRequestIsRefusedWithoutReadingIt() throws Exception {
        HttpResponse<String> r = token("grant_type=client_credentials&scope=" + "a".repeat(70_000));
        assertEquals(413, r.statusCode());
        assertEquals("invalid_request", error(r));
    }

    @Test
    void malformedTokenRequestsGetRfc6749Errors() throws Exception {
        assertEquals("invalid_request", error(token("grant_type=client_credentials&grant_type=client_credentials")),
                "a parameter twice (RFC 6749 §3.1)");
        assertEquals("unsupported_grant_type", error(token("grant_type=password&username=a&password=b")));
        assertEquals("invalid_request", error(token("scope=api:read")));
        assertEquals("invalid_request", error(token("grant_type=client_credentials&scope=%ZZ")));
        assertEquals("invalid_scope", error(token("grant_type=client_credentials&scope=%22quoted%22")));
        HttpResponse<String> json = IdentityServer.HTTP.send(HttpRequest.newBuilder(aegis.uri("/oauth2/token"))
                .header("Content-Type", "application/json").header("Authorization", IdentityServer.basic("svc", secret))
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, json.statusCode());
        assertEquals("invalid_request", error(json));
        HttpResponse<String> garbage = aegis.form("/oauth2/token", "grant_type=client_credentials",
                "Authorization", "Basic !!!not-base64!!!");
        assertEquals(401, garbage.statusCode());
        assertEquals("invalid_client", error(garbage));
        assertTrue(garbage.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic"));
        HttpResponse<String> twoMethods = aegis.form("/oauth2/token", "grant_type=client_credentials&client_id=svc&client_secret="
                + secret, "Authorization", IdentityServer.basic("svc", secret));
        assertEquals("invalid_request", error(twoMethods), "two authentication methods at once (RFC 6749 §2.3)");
        assertFalse(twoMethods.body().contains(secret), "the secret is never echoed");
    }

    @Test
    void malformedAndForgedTokensAreRefusedAtUserinfo() throws Exception {
        String unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.";
        for (String t : new String[] {"garbage", unsigned, "a.b.c", "x".repeat(9_000)}) {
            HttpResponse<String> r = aegis.get("/userinfo", "Authorization", "Bearer " + t);
            assertEquals(401, r.statusCode(), t.length() > 40 ? "oversized" : t);
            assertFalse(r.body().contains(t.length() > 40 ? t.substring(0, 40) : t), "the token is never echoed");
        }
        HttpResponse<String> huge = aegis.get("/userinfo", "Authorization", "Bearer " + "y".repeat(40_000));
        assertTrue(huge.statusCode() == 400 || huge.statusCode() == 431, "the listener refuses oversized headers: " + huge.statusCode());
        assertFalse(huge.body().contains("yyyyyyyyyy"));
    }

    @Test
    void aDatabaseFailureIsAnRfc6749ServerErrorWithoutDetail() throws Exception {
        sql("ALTER TABLE idp_clients RENAME TO idp_clients_hidden");
        try {
            HttpResponse<String> r = aegis.form("/oauth2/token", "grant_type=client_credentials",
                    "Authorization", IdentityServer.basic("never-cached", "whatever-secret"));
            assertEquals(500, r.statusCode(), r.body());
            assertEquals("server_error", error(r));
            assertFalse(r.body().toLowerCase(java.util.Locale.ROOT).contains("idp_clients"), "no SQL detail leaks");
        } finally {
            sql("ALTER TABLE idp_clients_hidden RENAME TO idp_clients");
        }
    }

    /** Runs SQL on the live embedded database through a second connection (H2's automatic server). */
    private static void sql(String statement) throws Exception {
        try (dev.aegis.store.api.Store store = dev.aegis.store.api.Store.open(dev.aegis.store.api.StoreConfig.embedded(dataDir));
             java.sql.Connection c = store.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void cliCreatesListsAndDeletesClientsThroughTheAdminApi() throws Exception {
        StringWriter out = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "clients", "create",
                "--url", aegis.server.baseUrl(), "--token", aegis.admin, "--id", "cli-made", "--scope", "api:read");
        assertEquals(0, code, out.toString());
        JsonNode created = IdentityServer.JSON.readTree(out.toString());
        assertEquals("cli-made", created.get("client_id").asText());
        String cliSecret = created.get("client_secret").asText();
        HttpResponse<String> works = aegis.form("/oauth2/token", "grant_type=client_credentials",
                "Authorization", IdentityServer.basic("cli-made", cliSecret));
        assertEquals(200, works.statusCode());

        StringWriter listed = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(listed, true), new PrintWriter(new StringWriter(), true), "clients", "list",
                "--url", aegis.server.baseUrl(), "--token", aegis.admin));
        assertTrue(listed.toString().contains("cli-made"));
        assertEquals(0, Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), "clients",
                "delete", "cli-made", "--url", aegis.server.baseUrl(), "--token", aegis.admin));
        StringWriter err = new StringWriter();
        assertEquals(1, Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "clients", "show",
                "cli-made", "--url", aegis.server.baseUrl(), "--token", aegis.admin));
        assertTrue(err.toString().contains("404"), err.toString());
    }

    @Test
    void cliCreatesAUserWithThePasswordFromStdin() throws Exception {
        InputStream stdin = System.in;
        StringWriter out = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream("erin-password-1\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "users", "create",
                    "--url", aegis.server.baseUrl(), "--token", aegis.admin, "--username", "erin", "--role", "ops",
                    "--attribute", "department=eng", "--attribute", "clearance=secret"));
        } finally {
            System.setIn(stdin);
        }
        JsonNode user = IdentityServer.JSON.readTree(out.toString());
        assertEquals("eng", user.get("attributes").get("department").asText());
        assertFalse(out.toString().contains("erin-password-1"));
        assertFalse(out.toString().contains("argon2"), "the hash is never shown");
    }
}
