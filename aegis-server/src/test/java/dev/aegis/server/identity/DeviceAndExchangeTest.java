package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device authorization grant (RFC 8628) and token exchange (RFC 8693) end to end with the Nimbus SDK: a
 * TV-style client polls (authorization_pending, slow_down) while the user approves the user code on the
 * verification page; a service exchanges a user's token for one downstream audience with narrowed scope and an
 * {@code act} chain (the confused deputy test).
 */
class DeviceAndExchangeTest {
    static final URI CALLBACK = URI.create("https://app.example/cb");
    @TempDir
    static Path dataDir;
    static IdentityServer aegis;
    static Secret appSecret;
    static Secret ordersSecret;
    static Secret inventorySecret;
    static Secret spySecret;

    @BeforeAll
    static void start() throws Exception {
        aegis = IdentityServer.start(dataDir);
        aegis.createClient("{\"client_id\":\"tv\",\"token_endpoint_auth_method\":\"none\","
                + "\"grant_types\":[\"urn:ietf:params:oauth:grant-type:device_code\",\"refresh_token\"],\"scopes\":[\"media:play\"]}");
        appSecret = new Secret(aegis.createClient("{\"client_id\":\"app\",\"first_party\":true,\"grant_types\":[\"authorization_code\"],"
                + "\"scopes\":[\"orders:read\",\"orders:write\",\"inventory:read\"],\"audiences\":[\"orders-api\"],"
                + "\"redirect_uris\":[\"" + CALLBACK + "\"]}").get("client_secret").asText());
        ordersSecret = new Secret(aegis.createClient("{\"client_id\":\"orders-api\","
                + "\"grant_types\":[\"urn:ietf:params:oauth:grant-type:token-exchange\"],\"scopes\":[\"inventory:read\"],"
                + "\"audiences\":[\"inventory-api\"]}").get("client_secret").asText());
        spySecret = new Secret(aegis.createClient("{\"client_id\":\"spy-api\","
                + "\"grant_types\":[\"urn:ietf:params:oauth:grant-type:token-exchange\"],\"scopes\":[\"inventory:read\"],"
                + "\"audiences\":[\"inventory-api\"]}").get("client_secret").asText());
        inventorySecret = new Secret(aegis.createClient("{\"client_id\":\"inventory-api\","
                + "\"grant_types\":[\"urn:ietf:params:oauth:grant-type:token-exchange\"],\"scopes\":[\"inventory:read\"],"
                + "\"audiences\":[\"warehouse-api\"]}").get("client_secret").asText());
        aegis.createUser("carol", "carol-password-1", "");
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    @Test
    void deviceFlowPollsUntilTheUserApprovesTheUserCode() throws Exception {
        DeviceAuthorizationResponse started = DeviceAuthorizationResponse.parse(new DeviceAuthorizationRequest(
                aegis.uri("/oauth2/device_authorization"), new ClientID("tv"), new Scope("media:play")).toHTTPRequest().send());
        assertTrue(started.indicatesSuccess());
        DeviceAuthorizationSuccessResponse device = started.toSuccessResponse();
        assertEquals(aegis.uri("/device"), device.getVerificationURI());
        assertEquals(5, device.getInterval());
        TokenRequest poll = new TokenRequest(aegis.uri("/oauth2/token"), new ClientID("tv"), new DeviceCodeGrant(device.getDeviceCode()));

        assertEquals("authorization_pending", TokenResponse.parse(poll.toHTTPRequest().send()).toErrorResponse().getErrorObject().getCode());
        assertEquals("slow_down", TokenResponse.parse(poll.toHTTPRequest().send()).toErrorResponse().getErrorObject().getCode(),
                "polling faster than the interval (RFC 8628 §3.5)");

        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(device.getVerificationURIComplete());
        assertEquals(200, page.statusCode());
        HttpResponse<String> wrongCode = browser.post(aegis.uri("/device"), Browser.form(page.body(), "user_code", "BBBB-BBBB",
                "username", "carol", "password", "carol-password-1", "decision", "allow"));
        assertEquals(400, wrongCode.statusCode());
        HttpResponse<String> approved = browser.post(aegis.uri("/device"), Browser.form(page.body(),
                "user_code", device.getUserCode().getValue(), "username", "carol", "password", "carol-password-1", "decision", "allow"));
        assertEquals(200, approved.statusCode(), approved.body());
        assertTrue(approved.body().contains("Device connected"));

        TokenResponse tokens = TokenResponse.parse(poll.toHTTPRequest().send());
        assertTrue(tokens.indicatesSuccess(), () -> tokens.toErrorResponse().getErrorObject().toString());
        JWTClaimsSet claims = SignedJWT.parse(tokens.toSuccessResponse().getTokens().getAccessToken().getValue()).getJWTClaimsSet();
        assertEquals("media:play", claims.getStringClaim("scope"));
        assertEquals("tv", claims.getStringClaim("client_id"));
        assertEquals("invalid_grant", TokenResponse.parse(poll.toHTTPRequest().send()).toErrorResponse().getErrorObject().getCode(),
                "a device code is used once");
        HttpResponse<String> introspect = aegis.form("/oauth2/introspect", "client_id=tv&token="
                + tokens.toSuccessResponse().getTokens().getAccessToken().getValue());
        assertEquals(401, introspect.statusCode(), "a public client cannot introspect (RFC 7662 §2.1)");
    }

    private static AccessToken userToken() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        URI authorize = new com.nimbusds.oauth2.sdk.AuthorizationRequest.Builder(new ResponseType("code"), new ClientID("app"))
                .endpointURI(aegis.uri("/oauth2/authorize")).redirectionURI(CALLBACK).state(new State())
                .scope(new Scope("orders:read", "orders:write", "inventory:read"))
                .codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();
        AuthorizationResponse r = AuthorizationCodeFlowTest.login(aegis, new Browser(), authorize, "carol", "carol-password-1");
        return TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"), new ClientSecretBasic(new ClientID("app"), appSecret),
                new AuthorizationCodeGrant(r.toSuccessResponse().getAuthorizationCode(), CALLBACK, verifier)).toHTTPRequest().send())
                .toSuccessResponse().getTokens().getAccessToken();
    }

    private static TokenResponse exchange(String client, Secret secret, AccessToken subject, String audience, Scope scope)
            throws Exception {
        return TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"), new ClientSecretBasic(new ClientID(client), secret),
                new TokenExchangeGrant(subject, TokenTypeURI.ACCESS_TOKEN, null, null, TokenTypeURI.ACCESS_TOKEN,
                        Audience.create(audience)), scope).toHTTPRequest().send());
    }

    @Test
    void tokenExchangeNarrowsToOneAudienceAndNamesTheActorChain() throws Exception {
        AccessToken user = userToken();
        JWTClaimsSet userClaims = SignedJWT.parse(user.getValue()).getJWTClaimsSet();

        TokenResponse first = exchange("orders-api", ordersSecret, user, "inventory-api", new Scope("inventory:read"));
        assertTrue(first.indicatesSuccess(), () -> first.toErrorResponse().getErrorObject().toString());
        assertEquals(TokenTypeURI.ACCESS_TOKEN, first.toSuccessResponse().getTokens().getAccessToken().getIssuedTokenType());
        AccessToken downstream = first.toSuccessResponse().getTokens().getAccessToken();
        JWTClaimsSet claims = SignedJWT.parse(downstream.getValue()).getJWTClaimsSet();
        assertEquals(userClaims.getSubject(), claims.getSubject(), "still the user");
        assertEquals(List.of("inventory-api"), claims.getAudience());
        assertEquals("inventory:read", claims.getStringClaim("scope"));
        assertEquals(Map.of("sub", "orders-api"), claims.getJSONObjectClaim("act"));

        TokenResponse second = exchange("inventory-api", inventorySecret, downstream, "warehouse-api", null);
        assertTrue(second.indicatesSuccess(), () -> second.toErrorResponse().getErrorObject().toString());
        JWTClaimsSet nested = SignedJWT.parse(second.toSuccessResponse().getTokens().getAccessToken().getValue()).getJWTClaimsSet();
        assertEquals(Map.of("sub", "inventory-api", "act", Map.of("sub", "orders-api")), nested.getJSONObjectClaim("act"));
    }

    @Test
    void confusedDeputyTokenExchangeCannotWidenScopeOrPickAnotherAudience() throws Exception {
        AccessToken user = userToken();
        assertEquals("invalid_target", exchange("orders-api", ordersSecret, user, "payments-api", null)
                .toErrorResponse().getErrorObject().getCode());
        assertEquals("invalid_scope", exchange("orders-api", ordersSecret, user, "inventory-api", new Scope("orders:write"))
                .toErrorResponse().getErrorObject().getCode());
        assertEquals("invalid_grant", exchange("spy-api", spySecret, user, "inventory-api", null).toErrorResponse()
                .getErrorObject().getCode(), "a service cannot trade in a token that was not issued to it");
        assertEquals("invalid_grant", exchange("orders-api", ordersSecret, new com.nimbusds.oauth2.sdk.token.BearerAccessToken("not-a-token"),
                "inventory-api", null).toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void clientsWithoutTheExchangeGrantAreRefused() throws Exception {
        JsonNode none = IdentityServer.JSON.readTree(aegis.form("/oauth2/token",
                "grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=x&subject_token_type="
                        + "urn:ietf:params:oauth:token-type:access_token",
                "Authorization", IdentityServer.basic("app", appSecret.getValue())).body());
        assertEquals("unauthorized_client", none.get("error").asText());
    }
}
