package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the authorization code flow and refresh tokens, over real HTTP: code replay (RFC 6749 §4.1.2),
 * PKCE mismatch (RFC 7636 §4.6), redirect_uri mismatch (RFC 6749 §4.1.3, §3.1.2.4), refresh token reuse
 * revoking the family (RFC 9700 §4.14.2), brute-force login lockout without user enumeration, CSRF on the login
 * form, missing PKCE.
 */
class CodeFlowAttackTest {
    static final URI CALLBACK = URI.create("https://app.example/callback");
    @TempDir
    static Path dataDir;
    static IdentityServer aegis;
    static ClientID clientId = new ClientID("web-app");
    static Secret secret;

    @BeforeAll
    static void start() throws Exception {
        aegis = IdentityServer.start(dataDir, Map.of("identity.login.max-failures-per-account", "5"));
        JsonNode client = aegis.createClient("{\"client_id\":\"web-app\",\"first_party\":true,"
                + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"scopes\":[\"openid\",\"api:read\"],"
                + "\"redirect_uris\":[\"" + CALLBACK + "\"]}");
        secret = new Secret(client.get("client_secret").asText());
        aegis.createUser("bob", "bob-password-1", "");
        aegis.createUser("victim", "victim-password-1", "");
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    private static AuthenticationRequest request(CodeVerifier verifier) {
        return new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid", "api:read"), clientId, CALLBACK)
                .endpointURI(aegis.uri("/oauth2/authorize")).state(new State()).nonce(new Nonce())
                .codeChallenge(verifier, CodeChallengeMethod.S256).build();
    }

    private static AuthorizationCode code(CodeVerifier verifier) throws Exception {
        AuthorizationResponse r = AuthorizationCodeFlowTest.login(aegis, new Browser(), request(verifier).toURI(), "bob", "bob-password-1");
        return r.toSuccessResponse().getAuthorizationCode();
    }

    private static TokenResponse redeem(AuthorizationCode code, URI redirect, CodeVerifier verifier) throws Exception {
        return TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"), new ClientSecretBasic(clientId, secret),
                new AuthorizationCodeGrant(code, redirect, verifier)).toHTTPRequest().send());
    }

    private static boolean active(com.nimbusds.oauth2.sdk.token.Token token) throws Exception {
        return TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(aegis.uri("/oauth2/introspect"),
                new ClientSecretBasic(clientId, secret), token).toHTTPRequest().send()).toSuccessResponse().isActive();
    }

    private static TokenResponse refresh(RefreshToken token) throws Exception {
        return TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"), new ClientSecretBasic(clientId, secret),
                new RefreshTokenGrant(token)).toHTTPRequest().send());
    }

    @Test
    void codeReplayFailsAndRevokesWhatTheCodeIssued() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationCode code = code(verifier);
        TokenResponse first = redeem(code, CALLBACK, verifier);
        assertTrue(first.indicatesSuccess());
        Tokens tokens = first.toSuccessResponse().getTokens();
        assertTrue(active(tokens.getAccessToken()));

        TokenResponse replay = redeem(code, CALLBACK, verifier);
        assertEquals("invalid_grant", replay.toErrorResponse().getErrorObject().getCode());
        assertFalse(active(tokens.getAccessToken()), "the access token of the first redemption is revoked");
        assertEquals("invalid_grant", refresh(tokens.getRefreshToken()).toErrorResponse().getErrorObject().getCode(),
                "the refresh token of the first redemption is revoked");
        assertTrue(auditActions().contains("token.code_replay"));
    }

    @Test
    void pkceMismatchIsInvalidGrantAndBurnsTheCode() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationCode code = code(verifier);
        TokenResponse wrong = redeem(code, CALLBACK, new CodeVerifier());
        assertEquals("invalid_grant", wrong.toErrorResponse().getErrorObject().getCode());
        assertEquals("invalid_grant", redeem(code, CALLBACK, verifier).toErrorResponse().getErrorObject().getCode(),
                "a code is single use even after a failed attempt, so verifiers cannot be guessed");
    }

    @Test
    void missingPkceVerifierIsRefused() throws Exception {
        AuthorizationCode code = code(new CodeVerifier());
        assertEquals("invalid_grant", redeem(code, CALLBACK, null).toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void redirectUriMismatchAtTheTokenEndpointIsInvalidGrant() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationCode code = code(verifier);
        assertEquals("invalid_grant", redeem(code, URI.create("https://app.example/callback/other"), verifier)
                .toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void unregisteredRedirectUriIsNeverRedirectedTo() throws Exception {
        for (String evil : new String[] {"https://evil.example/callback", "https://app.example/callback/../x",
                "https://app.example/callback?x=1", "https://app.example/CALLBACK", "http://app.example/callback"}) {
            URI authorize = new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid"), clientId,
                    URI.create(evil)).endpointURI(aegis.uri("/oauth2/authorize")).state(new State()).nonce(new Nonce())
                    .codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256).build().toURI();
            HttpResponse<String> r = new Browser().get(authorize);
            assertEquals(400, r.statusCode(), evil);
            assertTrue(r.headers().firstValue("Location").isEmpty(), "no redirect to " + evil);
            assertFalse(r.body().contains("evil.example"), "the URI is not echoed");
        }
    }

    @Test
    void authorizationRequestWithoutPkceIsRedirectedWithInvalidRequest() throws Exception {
        URI authorize = new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid"), clientId, CALLBACK)
                .endpointURI(aegis.uri("/oauth2/authorize")).state(new State("s1")).nonce(new Nonce()).build().toURI();
        HttpResponse<String> r = new Browser().get(authorize);
        assertEquals(302, r.statusCode());
        AuthorizationResponse response = AuthorizationResponse.parse(URI.create(r.headers().firstValue("Location").orElseThrow()));
        assertEquals("invalid_request", response.toErrorResponse().getErrorObject().getCode());
        assertEquals(new State("s1"), response.getState());
    }

    @Test
    void refreshTokenReuseRevokesTheWholeFamily() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        Tokens tokens = redeem(code(verifier), CALLBACK, verifier).toSuccessResponse().getTokens();
        RefreshToken stolen = tokens.getRefreshToken();
        Tokens rotated = refresh(stolen).toSuccessResponse().getTokens();
        assertTrue(active(rotated.getAccessToken()));

        // The attacker (or the victim) presents the old token again: theft detected.
        assertEquals("invalid_grant", refresh(stolen).toErrorResponse().getErrorObject().getCode());
        assertEquals("invalid_grant", refresh(rotated.getRefreshToken()).toErrorResponse().getErrorObject().getCode(),
                "the legitimate successor is revoked with its family");
        assertFalse(active(rotated.getAccessToken()), "access tokens of the family are revoked too");
        assertFalse(active(rotated.getRefreshToken()));
        assertTrue(auditActions().contains("token.refresh_reuse"));
    }

    @Test
    void bruteForceLocksTheAccountAfterFiveFailuresWithoutRevealingWhichUsersExist() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(request(new CodeVerifier()).toURI());
        String unknownUser = null;
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = browser.post(aegis.uri("/login"), Browser.form(page.body(), "username", "victim", "password", "guess-" + i));
            // The fifth failure uses the last permit: from then on the account is locked.
            assertEquals(i < 4 ? 401 : 429, r.statusCode());
            assertTrue(r.body().contains(i < 4 ? "Invalid username, password or one-time code." : "Too many failed sign-in attempts"));
            page = r;
        }
        HttpResponse<String> unknown = browser.post(aegis.uri("/login"), Browser.form(page.body(), "username", "nobody-here", "password", "x"));
        unknownUser = unknown.body();
        assertEquals(401, unknown.statusCode());
        assertTrue(unknownUser.contains("Invalid username, password or one-time code."), "the same message for a user that does not exist");

        HttpResponse<String> locked = browser.post(aegis.uri("/login"),
                Browser.form(page.body(), "username", "victim", "password", "victim-password-1"));
        assertEquals(429, locked.statusCode(), "even the right password is refused while locked");
        assertTrue(locked.body().contains("Too many failed sign-in attempts"));
        assertFalse(locked.headers().firstValue("Location").isPresent());
        assertTrue(auditActions().contains("login.lockout"));
        assertTrue(auditActions().contains("login.failure"));
    }

    @Test
    void loginWithoutTheCsrfTokenIsRefused() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(request(new CodeVerifier()).toURI());
        Map<String, String> form = Browser.form(page.body(), "username", "bob", "password", "bob-password-1");
        form.put("csrf", "forged-forged-forged-forged-forged-forged-fo");
        assertEquals(403, browser.post(aegis.uri("/login"), form).statusCode());
        browser.cookies.remove("__Host-aegis_csrf");
        assertEquals(403, browser.post(aegis.uri("/login"), Browser.form(page.body(), "username", "bob", "password", "bob-password-1")).statusCode());
    }

    /** Audit actions recorded so far, read from the database through a second connection (H2 AUTO_SERVER). */
    static String auditActions() throws Exception {
        try (dev.aegis.store.api.Store store = dev.aegis.store.api.Store.open(
                dev.aegis.store.api.StoreConfig.embedded(dataDir));
             Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT action FROM audit_records")) {
            StringBuilder b = new StringBuilder();
            while (r.next()) {
                b.append(r.getString(1)).append('\n');
            }
            return b.toString();
        }
    }
}
