package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional TOTP second factor (RFC 6238) at the login form: enrolment through the admin API, the code
 * computed here the way an authenticator app does (the test's own RFC 4226 truncation), refused when missing,
 * wrong or replayed.
 */
class TotpLoginTest {
    static final URI CALLBACK = URI.create("https://app.example/cb");
    @TempDir
    static Path dataDir;
    static IdentityServer aegis;
    static byte[] key;

    @BeforeAll
    static void start() throws Exception {
        aegis = IdentityServer.start(dataDir);
        aegis.createClient("{\"client_id\":\"app\",\"first_party\":true,\"grant_types\":[\"authorization_code\"],"
                + "\"scopes\":[\"openid\"],\"redirect_uris\":[\"" + CALLBACK + "\"]}");
        JsonNode user = aegis.createUser("frank", "frank-password-1", "");
        HttpResponse<String> enrolled = aegis.adminPost("/admin/v1/users/" + user.get("user_id").asText() + "/totp", "{}");
        assertEquals(200, enrolled.statusCode(), enrolled.body());
        String uri = IdentityServer.JSON.readTree(enrolled.body()).get("otpauth_uri").asText();
        assertTrue(uri.startsWith("otpauth://totp/"));
        String secret = uri.substring(uri.indexOf("secret=") + 7, uri.indexOf('&', uri.indexOf("secret=")));
        key = base32(secret);
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    static String code() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(System.currentTimeMillis() / 1000 / 30).array());
        int o = h[19] & 0xf;
        int v = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
        return String.format("%06d", v % 1_000_000);
    }

    static byte[] base32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : s.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    private static HttpResponse<String> login(String otp) throws Exception {
        URI authorize = new com.nimbusds.oauth2.sdk.AuthorizationRequest.Builder(new ResponseType("code"), new ClientID("app"))
                .endpointURI(aegis.uri("/oauth2/authorize")).redirectionURI(CALLBACK).state(new State())
                .scope(new Scope("openid")).codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256).build().toURI();
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(authorize);
        assertTrue(page.body().contains("name=\"otp\""));
        return browser.post(aegis.uri("/login"), otp == null
                ? Browser.form(page.body(), "username", "frank", "password", "frank-password-1")
                : Browser.form(page.body(), "username", "frank", "password", "frank-password-1", "otp", otp));
    }

    @Test
    void passwordAloneIsNotEnoughOnceEnrolled() throws Exception {
        assertEquals(401, login(null).statusCode());
        assertEquals(401, login("000000".equals(code()) ? "111111" : "000000").statusCode());
    }

    @Test
    void theRightCodeSignsInOnceAndItsReplayIsRefused() throws Exception {
        String code = code();
        HttpResponse<String> ok = login(code);
        assertEquals(303, ok.statusCode(), ok.body());
        assertTrue(ok.headers().firstValue("Location").orElseThrow().startsWith(CALLBACK + "?code="));
        assertEquals(401, login(code).statusCode(), "the same code twice");
    }
}
