package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client credentials end to end with the Nimbus OAuth SDK as the client: discovery, the benchmark contract,
 * RFC 9068 access tokens verified against the JWKS, introspection (RFC 7662) and revocation (RFC 7009).
 */
class ClientCredentialsTest {
    @TempDir
    static Path dataDir;
    static IdentityServer aegis;
    static ClientID clientId = new ClientID("bench-1");
    static Secret secret;

    @BeforeAll
    static void start() throws Exception {
        aegis = IdentityServer.start(dataDir);
        // The CONTRACT of the benchmark script, byte for byte.
        HttpResponse<String> created = aegis.adminPost("/admin/v1/clients",
                "{\"client_id\":\"bench-1\",\"grant_types\":[\"client_credentials\"],\"scopes\":[\"api:read\"]}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode body = IdentityServer.JSON.readTree(created.body());
        assertEquals("bench-1", body.get("client_id").asText());
        secret = new Secret(body.get("client_secret").asText());
        assertTrue(secret.getValue().length() >= 43, "256-bit secret");
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    private AccessToken token(com.nimbusds.oauth2.sdk.auth.ClientAuthentication auth) throws Exception {
        TokenResponse response = TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"), auth,
                new ClientCredentialsGrant(), new Scope("api:read")).toHTTPRequest().send());
        assertTrue(response.indicatesSuccess(), () -> response.toErrorResponse().getErrorObject().toString());
        AccessTokenResponse ok = response.toSuccessResponse();
        assertTrue(ok.getTokens().getAccessToken().getLifetime() > 0);
        return ok.getTokens().getAccessToken();
    }

    @Test
    void discoveryDocumentsParseWithTheSdk() throws Exception {
        OIDCProviderMetadata oidc = OIDCProviderMetadata.parse(aegis.get("/.well-known/openid-configuration").body());
        assertEquals(new Issuer(aegis.server.baseUrl()), oidc.getIssuer());
        assertEquals(aegis.uri("/oauth2/token"), oidc.getTokenEndpointURI());
        assertEquals(aegis.uri("/.well-known/jwks.json"), oidc.getJWKSetURI());
        assertTrue(oidc.getCodeChallengeMethods().toString().contains("S256"));
        AuthorizationServerMetadata as = AuthorizationServerMetadata.parse(aegis.get("/.well-known/oauth-authorization-server").body());
        assertEquals(aegis.uri("/oauth2/introspect"), as.getIntrospectionEndpointURI());
        assertEquals(aegis.uri("/oauth2/device_authorization"), as.getDeviceAuthorizationEndpointURI());
    }

    @Test
    void clientSecretBasicGetsAnRfc9068AccessTokenThatVerifiesAgainstTheJwks() throws Exception {
        AccessToken token = token(new ClientSecretBasic(clientId, secret));
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                JWKSourceBuilder.create(new URL(aegis.url("/.well-known/jwks.json"))).build()));
        JWTClaimsSet claims = processor.process(token.getValue(), null);
        assertEquals(aegis.server.baseUrl(), claims.getIssuer());
        assertEquals("bench-1", claims.getSubject());
        assertEquals("bench-1", claims.getStringClaim("client_id"));
        assertEquals("api:read", claims.getStringClaim("scope"));
        assertNotNull(claims.getJWTID());
        assertFalse(claims.getAudience().isEmpty());
    }

    @Test
    void clientSecretPostWorksToo() throws Exception {
        assertNotNull(token(new ClientSecretPost(clientId, secret)));
    }

    @Test
    void wrongSecretIsInvalidClientWithoutDetail() throws Exception {
        TokenResponse response = TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"),
                new ClientSecretBasic(clientId, new Secret("wrong-secret-wrong-secret-wrong-secret-xx")),
                new ClientCredentialsGrant(), new Scope("api:read")).toHTTPRequest().send());
        TokenErrorResponse error = response.toErrorResponse();
        assertEquals("invalid_client", error.getErrorObject().getCode());
        assertEquals(401, error.getErrorObject().getHTTPStatusCode());
    }

    @Test
    void scopeBeyondTheRegistrationIsInvalidScope() throws Exception {
        TokenResponse response = TokenResponse.parse(new TokenRequest(aegis.uri("/oauth2/token"),
                new ClientSecretBasic(clientId, secret), new ClientCredentialsGrant(), new Scope("api:write"))
                .toHTTPRequest().send());
        assertEquals("invalid_scope", response.toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void introspectionThenRevocationMakesTheTokenInactive() throws Exception {
        AccessToken token = token(new ClientSecretBasic(clientId, secret));
        TokenIntrospectionResponse before = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                aegis.uri("/oauth2/introspect"), new ClientSecretBasic(clientId, secret), token).toHTTPRequest().send());
        assertTrue(before.toSuccessResponse().isActive());
        assertEquals("bench-1", before.toSuccessResponse().getClientID().getValue());
        assertEquals(new Scope("api:read"), before.toSuccessResponse().getScope());

        var revoke = new TokenRevocationRequest(aegis.uri("/oauth2/revoke"), new ClientSecretBasic(clientId, secret), token)
                .toHTTPRequest().send();
        assertEquals(200, revoke.getStatusCode());

        TokenIntrospectionResponse after = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                aegis.uri("/oauth2/introspect"), new ClientSecretBasic(clientId, secret), token).toHTTPRequest().send());
        assertFalse(after.toSuccessResponse().isActive(), "a revoked token is inactive");
    }

    @Test
    void theContractWorksWithPlainHttpToo() throws Exception {
        HttpResponse<String> r = aegis.form("/oauth2/token", "grant_type=client_credentials&scope=api:read",
                "Authorization", IdentityServer.basic("bench-1", secret.getValue()));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = IdentityServer.JSON.readTree(r.body());
        assertEquals("Bearer", body.get("token_type").asText());
        assertTrue(body.get("expires_in").asLong() > 0);
        assertTrue(body.get("access_token").asText().split("\\.").length == 3);
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
    }
}
