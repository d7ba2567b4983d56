package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization code + PKCE with the login form, end to end: the Nimbus SDK builds the request and redeems the
 * code, the JDK HTTP client fills in the login form and consent page, the SDK validates the ID token
 * (signature from the JWKS, issuer, audience, nonce) and calls /userinfo; then refresh rotation. Attack tests of
 * the flow live beside it in {@link CodeFlowAttackTest}.
 */
class AuthorizationCodeFlowTest {
    static final URI CALLBACK = URI.create("https://app.example/callback");
    @TempDir
    static Path dataDir;
    static IdentityServer aegis;
    static ClientID clientId = new ClientID("web-app");
    static Secret secret;

    @BeforeAll
    static void start() throws Exception {
        aegis = IdentityServer.start(dataDir);
        JsonNode client = aegis.createClient("{\"client_id\":\"web-app\",\"client_name\":\"Web App\","
                + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"scopes\":[\"openid\",\"profile\",\"email\",\"api:read\"],"
                + "\"redirect_uris\":[\"" + CALLBACK + "\"],\"post_logout_redirect_uris\":[\"https://app.example/bye\"]}");
        secret = new Secret(client.get("client_secret").asText());
        aegis.createUser("alice", "correct horse battery", "\"email\":\"alice@example.com\",\"display_name\":\"Alice\","
                + "\"roles\":[\"reader\"],\"attributes\":{\"department\":\"eng\",\"clearance\":\"secret\"}");
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    /** Runs the browser part and returns the authorization response. */
    static AuthorizationResponse login(IdentityServer aegis, Browser browser, URI authorize, String username, String password)
            throws Exception {
        HttpResponse<String> page = browser.get(authorize);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("name=\"password\""), "the login form");
        HttpResponse<String> afterLogin = browser.post(aegis.uri("/login"),
                Browser.form(page.body(), "username", username, "password", password));
        HttpResponse<String> last = afterLogin;
        if (afterLogin.statusCode() == 200 && afterLogin.body().contains("Allow access?")) {
            last = browser.post(aegis.uri("/consent"), Browser.form(afterLogin.body(), "decision", "allow"));
        }
        assertEquals(303, last.statusCode(), last.body());
        return AuthorizationResponse.parse(URI.create(last.headers().firstValue("Location").orElseThrow()));
    }

    static AuthenticationRequest request(State state, Nonce nonce, CodeVerifier verifier) {
        return new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid", "profile", "email", "api:read"),
                clientId, CALLBACK).endpointURI(aegis.uri("/oauth2/authorize")).state(state).nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256).build();
    }

    @Test
    void codeWithPkceThroughTheLoginFormGivesVerifiedIdTokenUserinfoAndRotatingRefreshTokens() throws Exception {
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        Browser browser = new Browser();
        AuthorizationResponse response = login(aegis, browser, request(state, nonce, verifier).toURI(), "alice", "correct horse battery");
        assertTrue(response.indicatesSuccess());
        assertEquals(state, response.getState());
        assertEquals(new Issuer(aegis.server.baseUrl()), response.getIssuer(), "RFC 9207 iss parameter");
        String sessionCookie = browser.setCookieLines.get("__Host-aegis_session");
        assertTrue(sessionCookie.contains("HttpOnly") && sessionCookie.contains("Secure") && sessionCookie.contains("SameSite=Lax"),
                sessionCookie);

        AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();
        TokenResponse tokenResponse = OIDCTokenResponseParser.parse(new TokenRequest(aegis.uri("/oauth2/token"),
                new ClientSecretBasic(clientId, secret), new AuthorizationCodeGrant(code, CALLBACK, verifier))
                .toHTTPRequest().send());
        assertTrue(tokenResponse.indicatesSuccess(), () -> tokenResponse.toErrorResponse().getErrorObject().toString());
        OIDCTokenResponse tokens = (OIDCTokenResponse) tokenResponse.toSuccessResponse();

        IDTokenValidator validator = new IDTokenValidator(new Issuer(aegis.server.baseUrl()), clientId, JWSAlgorithm.ES256,
                new URL(aegis.url("/.well-known/jwks.json")));
        IDTokenClaimsSet idClaims = validator.validate(tokens.getOIDCTokens().getIDToken(), nonce);
        JsonNode user = IdentityServer.JSON.readTree(aegis.get("/admin/v1/users/" + idClaims.getSubject().getValue(),
                "Authorization", "Bearer " + aegis.admin).body());
        assertEquals("alice", user.get("username").asText());
        assertNotNull(idClaims.getAccessTokenHash(), "at_hash");

        UserInfoResponse info = UserInfoResponse.parse(new UserInfoRequest(aegis.uri("/userinfo"),
                tokens.getOIDCTokens().getBearerAccessToken()).toHTTPRequest().send());
        assertTrue(info.indicatesSuccess());
        assertEquals("alice@example.com", info.toSuccessResponse().getUserInfo().getEmailAddress());
        assertEquals("Alice", info.toSuccessResponse().getUserInfo().getName());

        // Refresh rotation: every use returns a new refresh token.
        RefreshToken first = tokens.getOIDCTokens().getRefreshToken();
        assertNotNull(first);
        TokenResponse refreshed = TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"),
                new ClientSecretBasic(clientId, secret), new RefreshTokenGrant(first)).toHTTPRequest().send());
        assertTrue(refreshed.indicatesSuccess());
        RefreshToken second = refreshed.toSuccessResponse().getTokens().getRefreshToken();
        assertNotNull(second);
        assertNotEquals(first, second, "rotated");
        TokenResponse again = TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"),
                new ClientSecretBasic(clientId, secret), new RefreshTokenGrant(second)).toHTTPRequest().send());
        assertTrue(again.indicatesSuccess(), "the successor works");
    }

    @Test
    void aSignedInUserIsNotAskedAgainAndConsentIsRemembered() throws Exception {
        Browser browser = new Browser();
        login(aegis, browser, request(new State(), new Nonce(), new CodeVerifier()).toURI(), "alice", "correct horse battery");
        HttpResponse<String> second = browser.get(request(new State(), new Nonce(), new CodeVerifier()).toURI());
        assertEquals(303 == second.statusCode() || 302 == second.statusCode(), true, second.body());
        assertTrue(second.headers().firstValue("Location").orElseThrow().startsWith(CALLBACK + "?code="));
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        Browser browser = new Browser();
        login(aegis, browser, request(new State(), new Nonce(), new CodeVerifier()).toURI(), "alice", "correct horse battery");
        HttpResponse<String> out = browser.get(aegis.uri("/logout"));
        assertEquals(200, out.statusCode());
        assertFalse(browser.cookies.containsKey("__Host-aegis_session"));
        HttpResponse<String> again = browser.get(request(new State(), new Nonce(), new CodeVerifier()).toURI());
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("name=\"password\""), "asked to sign in again");
        assertNull(again.headers().firstValue("Location").orElse(null));
    }

    @Test
    void denyingConsentRedirectsWithAccessDenied() throws Exception {
        Browser browser = new Browser();
        aegis.createUser("mallory-victim", "another password 1", "");
        State state = new State();
        HttpResponse<String> page = browser.get(request(state, new Nonce(), new CodeVerifier()).toURI());
        HttpResponse<String> consent = browser.post(aegis.uri("/login"),
                Browser.form(page.body(), "username", "mallory-victim", "password", "another password 1"));
        assertTrue(consent.body().contains("Allow access?"), "a third-party client asks for consent");
        assertTrue(consent.body().contains("Web App"));
        HttpResponse<String> denied = browser.post(aegis.uri("/consent"), Browser.form(consent.body(), "decision", "deny"));
        AuthorizationResponse response = AuthorizationResponse.parse(URI.create(denied.headers().firstValue("Location").orElseThrow()));
        assertEquals("access_denied", response.toErrorResponse().getErrorObject().getCode());
        assertEquals(state, response.getState());
    }

    @Test
    void promptNoneWithoutASessionIsLoginRequired() throws Exception {
        URI authorize = new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid"), clientId, CALLBACK)
                .endpointURI(aegis.uri("/oauth2/authorize")).state(new State()).nonce(new Nonce())
                .prompt(new com.nimbusds.openid.connect.sdk.Prompt("none"))
                .codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256).build().toURI();
        HttpResponse<String> r = new Browser().get(authorize);
        assertEquals("login_required", AuthorizationResponse.parse(URI.create(r.headers().firstValue("Location").orElseThrow()))
                .toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void rpInitiatedLogoutRedirectsOnlyToARegisteredUri() throws Exception {
        HttpResponse<String> registered = new Browser().get(aegis.uri(
                "/logout?client_id=web-app&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fbye&state=s9"));
        assertEquals(302, registered.statusCode());
        assertEquals("https://app.example/bye?state=s9", registered.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> evil = new Browser().get(aegis.uri(
                "/logout?client_id=web-app&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F"));
        assertEquals(200, evil.statusCode());
        assertTrue(evil.headers().firstValue("Location").isEmpty(), "never to an unregistered URI");
    }

    @Test
    void loginPageHasSecurityHeaders() throws Exception {
        HttpResponse<String> page = new Browser().get(request(new State(), new Nonce(), new CodeVerifier()).toURI());
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("frame-ancestors 'none'"));
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(Map.of().isEmpty());
    }
}
