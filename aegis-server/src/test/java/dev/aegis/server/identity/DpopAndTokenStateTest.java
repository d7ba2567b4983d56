package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.jose.jwk.ThumbprintUtils;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPoP (RFC 9449) with the Nimbus SDK's proof factory: a DPoP-bound token ({@code cnf.jkt}) used at /userinfo
 * with a proof; attacks: proof replay, a proof by the wrong key, the bound token used as a plain bearer token.
 * Token state: expired and revoked tokens are refused at /userinfo and inactive at introspection.
 */
class DpopAndTokenStateTest {
    static final URI CALLBACK = URI.create("https://app.example/cb");
    @TempDir
    static Path dataDir;
    static IdentityServer aegis;
    static final MutableClock CLOCK = new MutableClock();
    static ClientID clientId = new ClientID("spa");
    static Secret secret;

    @BeforeAll
    static void start() throws Exception {
        aegis = IdentityServer.start(dataDir, Map.of(), CLOCK);
        secret = new Secret(aegis.createClient("{\"client_id\":\"spa\",\"first_party\":true,\"grant_types\":[\"authorization_code\"],"
                + "\"scopes\":[\"openid\",\"profile\"],\"redirect_uris\":[\"" + CALLBACK + "\"],\"access_token_lifetime\":120}")
                .get("client_secret").asText());
        aegis.createUser("dave", "dave-password-1", "");
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    /** Logs dave in and redeems the code, with a DPoP proof when a factory is given. */
    private static AccessToken token(DPoPProofFactory dpop) throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        URI authorize = new com.nimbusds.oauth2.sdk.AuthorizationRequest.Builder(new ResponseType("code"), clientId)
                .endpointURI(aegis.uri("/oauth2/authorize")).redirectionURI(CALLBACK).state(new State())
                .scope(new Scope("openid", "profile")).codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();
        AuthorizationResponse r = AuthorizationCodeFlowTest.login(aegis, new Browser(), authorize, "dave", "dave-password-1");
        HTTPRequest request = new TokenRequest(aegis.uri("/oauth2/token"), new ClientSecretBasic(clientId, secret),
                new AuthorizationCodeGrant(r.toSuccessResponse().getAuthorizationCode(), CALLBACK, verifier)).toHTTPRequest();
        if (dpop != null) {
            request.setDPoP(dpop.createDPoPJWT("POST", aegis.uri("/oauth2/token")));
        }
        TokenResponse response = TokenResponse.parse(request.send());
        assertTrue(response.indicatesSuccess(), () -> response.toErrorResponse().getErrorObject().toString());
        return response.toSuccessResponse().getTokens().getAccessToken();
    }

    private static HTTPResponse userinfo(AccessToken token, SignedJWT proof) throws Exception {
        HTTPRequest request = new UserInfoRequest(aegis.uri("/userinfo"), token).toHTTPRequest();
        if (proof != null) {
            request.setDPoP(proof);
        }
        return request.send();
    }

    @Test
    void dpopBoundTokenWorksWithAProofByItsKey() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        DPoPProofFactory factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
        AccessToken token = token(factory);
        assertInstanceOf(DPoPAccessToken.class, token, "token_type DPoP");
        Map<String, Object> cnf = SignedJWT.parse(token.getValue()).getJWTClaimsSet().getJSONObjectClaim("cnf");
        assertEquals(ThumbprintUtils.compute(key).toString(), cnf.get("jkt"), "cnf.jkt is the proof key's thumbprint");

        HTTPResponse ok = userinfo(token, factory.createDPoPJWT("GET", aegis.uri("/userinfo"), token));
        assertEquals(200, ok.getStatusCode(), ok.getBody());
        assertTrue(UserInfoResponse.parse(ok).indicatesSuccess());
    }

    @Test
    void dpopProofReplayIsRefused() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        DPoPProofFactory factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
        AccessToken token = token(factory);
        SignedJWT proof = factory.createDPoPJWT("GET", aegis.uri("/userinfo"), token);
        assertEquals(200, userinfo(token, proof).getStatusCode());
        HTTPResponse replay = userinfo(token, proof);
        assertEquals(401, replay.getStatusCode(), "the same proof jti twice (RFC 9449 §11.1)");
        assertTrue(replay.getHeaderValue("WWW-Authenticate").startsWith("DPoP"));
    }

    @Test
    void dpopProofByTheWrongKeyIsRefused() throws Exception {
        AccessToken token = token(new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256));
        DPoPProofFactory thief = new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256);
        assertEquals(401, userinfo(token, thief.createDPoPJWT("GET", aegis.uri("/userinfo"), token)).getStatusCode());
    }

    @Test
    void dpopBoundTokenUsedAsPlainBearerTokenIsRefused() throws Exception {
        AccessToken token = token(new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256));
        HTTPResponse stolen = userinfo(new BearerAccessToken(token.getValue()), null);
        assertEquals(401, stolen.getStatusCode(), "a stolen DPoP-bound token alone is useless");
    }

    @Test
    void dpopProofForAnotherUrlIsRefused() throws Exception {
        DPoPProofFactory factory = new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256);
        AccessToken token = token(factory);
        assertEquals(401, userinfo(token, factory.createDPoPJWT("GET", URI.create("https://elsewhere.example/userinfo"), token))
                .getStatusCode());
    }

    @Test
    void expiredAuthorizationCodeIsInvalidGrant() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        URI authorize = new com.nimbusds.oauth2.sdk.AuthorizationRequest.Builder(new ResponseType("code"), clientId)
                .endpointURI(aegis.uri("/oauth2/authorize")).redirectionURI(CALLBACK).state(new State())
                .scope(new Scope("openid")).codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();
        AuthorizationResponse r = AuthorizationCodeFlowTest.login(aegis, new Browser(), authorize, "dave", "dave-password-1");
        CLOCK.advance(Duration.ofSeconds(61)); // codes live 60 s
        try {
            TokenResponse late = TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"), new ClientSecretBasic(clientId, secret),
                    new AuthorizationCodeGrant(r.toSuccessResponse().getAuthorizationCode(), CALLBACK, verifier)).toHTTPRequest().send());
            assertEquals("invalid_grant", late.toErrorResponse().getErrorObject().getCode());
        } finally {
            CLOCK.advance(Duration.ofSeconds(-61));
        }
    }

    @Test
    void revokedTokenIsRefusedAtUserinfoAndInactive() throws Exception {
        AccessToken token = token(null);
        assertEquals(200, userinfo(token, null).getStatusCode());
        assertEquals(200, new TokenRevocationRequest(aegis.uri("/oauth2/revoke"), new ClientSecretBasic(clientId, secret), token)
                .toHTTPRequest().send().getStatusCode());
        HTTPResponse refused = userinfo(token, null);
        assertEquals(401, refused.getStatusCode());
        assertTrue(refused.getHeaderValue("WWW-Authenticate").contains("error=\"invalid_token\""));
    }

    @Test
    void expiredTokenIsRefusedAtUserinfoAndInactive() throws Exception {
        AccessToken token = token(null);
        assertEquals(200, userinfo(token, null).getStatusCode());
        CLOCK.advance(Duration.ofMinutes(10)); // lifetime 120 s plus the 30 s skew are long over
        try {
            assertEquals(401, userinfo(token, null).getStatusCode());
            TokenIntrospectionResponse introspection = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                    aegis.uri("/oauth2/introspect"), new ClientSecretBasic(clientId, secret), token).toHTTPRequest().send());
            assertFalse(introspection.toSuccessResponse().isActive());
        } finally {
            CLOCK.advance(Duration.ofMinutes(-10));
        }
    }
}
