package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service logs in to the secrets manager with the access token the identity provider gave it
 * ({@code POST /v1/auth/aegis/login}), reads what its role's policy allows, and cannot once the token is revoked.
 */
class SecretsLoginWithAccessTokenTest {
    @TempDir
    Path dataDir;

    private static HttpResponse<String> vault(IdentityServer aegis, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(aegis.uri("/v1/" + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Vault-Token", token);
        }
        return IdentityServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String accessToken(IdentityServer aegis, String secret, String audience) throws Exception {
        HttpResponse<String> r = aegis.form("/oauth2/token", "grant_type=client_credentials&scope=secrets:read&audience="
                + audience, "Authorization", IdentityServer.basic("payments", secret));
        assertEquals(200, r.statusCode(), r.body());
        return IdentityServer.JSON.readTree(r.body()).get("access_token").asText();
    }

    private static HttpResponse<String> login(IdentityServer aegis, String jwt) throws Exception {
        return vault(aegis, "POST", "auth/aegis/login", null, "{\"role\":\"payments\",\"jwt\":\"" + jwt + "\"}");
    }

    @Test
    void aServiceReadsItsSecretsWithItsAccessTokenUntilTheTokenIsRevoked() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dataDir)) {
            String issuer = aegis.server.baseUrl();
            JsonNode client = aegis.createClient("{\"client_id\":\"payments\",\"grant_types\":[\"client_credentials\"],"
                    + "\"scopes\":[\"secrets:read\"],\"audiences\":[\"aegis-secrets\",\"" + issuer + "\"]}");
            String secret = client.get("client_secret").asText();
            String root = aegis.server.secretsRootToken().orElseThrow();
            assertEquals(204, vault(aegis, "POST", "sys/auth/aegis", root, "{\"type\":\"aegis\"}").statusCode());
            assertEquals(204, vault(aegis, "PUT", "sys/policies/acl/payments", root,
                    "{\"policy\":\"path \\\"secret/data/payments/*\\\" { capabilities = [\\\"read\\\"] }\"}").statusCode());
            assertEquals(204, vault(aegis, "POST", "auth/aegis/role/payments", root, "{\"bound_audiences\":[\"aegis-secrets\"],"
                    + "\"bound_subjects\":[\"payments\"],\"bound_scopes\":[\"secrets:read\"],\"token_policies\":[\"payments\"]}")
                    .statusCode());
            assertEquals(200, vault(aegis, "POST", "secret/data/payments/db", root, "{\"data\":{\"password\":\"pg-pass\"}}")
                    .statusCode());

            String jwt = accessToken(aegis, secret, "aegis-secrets");
            HttpResponse<String> loggedIn = login(aegis, jwt);
            assertEquals(200, loggedIn.statusCode(), loggedIn.body());
            String vaultToken = IdentityServer.JSON.readTree(loggedIn.body()).path("auth").path("client_token").asText();
            HttpResponse<String> read = vault(aegis, "GET", "secret/data/payments/db", vaultToken, null);
            assertEquals(200, read.statusCode(), read.body());
            assertTrue(read.body().contains("pg-pass"));
            assertEquals(403, vault(aegis, "GET", "sys/mounts", vaultToken, null).statusCode());

            Path jwtFile = dataDir.resolve("access-token");
            Files.writeString(jwtFile, accessToken(aegis, secret, "aegis-secrets"));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertEquals(0, Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "login", "payments",
                    "-a", issuer, "--jwt-file", jwtFile.toString()), err.toString());
            String cliToken = out.toString().strip();
            assertTrue(cliToken.startsWith("hvs."), "aegis login prints the Vault token alone: " + out);
            assertEquals(200, vault(aegis, "GET", "secret/data/payments/db", cliToken, null).statusCode());

            HttpResponse<String> otherAudience = login(aegis, accessToken(aegis, secret, issuer));
            assertEquals(400, otherAudience.statusCode());
            assertEquals("{\"errors\":[\"invalid role or token\"]}", otherAudience.body());

            assertEquals(200, aegis.form("/oauth2/revoke", "token=" + jwt, "Authorization",
                    IdentityServer.basic("payments", secret)).statusCode());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int status = login(aegis, jwt).statusCode();
            while (status == 200 && System.nanoTime() < deadline) {
                Thread.sleep(200); // logins are rate-limited per address: poll gently
                status = login(aegis, jwt).statusCode();
            }
            assertEquals(400, status, "a revoked access token no longer logs in");
        }
    }
}
