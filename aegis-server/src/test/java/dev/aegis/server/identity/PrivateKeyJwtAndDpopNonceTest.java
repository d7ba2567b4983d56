package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code private_key_jwt} client authentication (RFC 7523) with the Nimbus SDK, including a replayed assertion,
 * and server-issued DPoP nonces (RFC 9449 §8) at the token endpoint.
 */
class PrivateKeyJwtAndDpopNonceTest {
    @TempDir
    static Path dataDir;
    static IdentityServer aegis;
    static ECKey key;

    @BeforeAll
    static void start() throws Exception {
        aegis = IdentityServer.start(dataDir, Map.of("identity.dpop.require-nonce", "true"));
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        aegis.createClient("{\"client_id\":\"signer\",\"token_endpoint_auth_method\":\"private_key_jwt\",\"scopes\":[\"api:read\"],"
                + "\"jwks\":" + new JWKSet(key.toPublicJWK()).toString() + "}");
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    private static HTTPRequest request(PrivateKeyJWT assertion) {
        return new TokenRequest(aegis.uri("/oauth2/token"), assertion, new ClientCredentialsGrant(), new Scope("api:read"))
                .toHTTPRequest();
    }

    @Test
    void privateKeyJwtAuthenticatesAndAReplayedAssertionIsRefused() throws Exception {
        PrivateKeyJWT assertion = new PrivateKeyJWT(new ClientID("signer"), aegis.uri("/oauth2/token"), JWSAlgorithm.ES256,
                key.toECPrivateKey(), "k1", null);
        TokenResponse first = TokenResponse.parse(request(assertion).send());
        assertTrue(first.indicatesSuccess(), () -> first.toErrorResponse().getErrorObject().toString());
        TokenResponse replay = TokenResponse.parse(request(assertion).send());
        assertEquals("invalid_client", replay.toErrorResponse().getErrorObject().getCode(), "jti replay (RFC 7523 §3)");
    }

    @Test
    void assertionSignedByAnUnregisteredKeyIsRefused() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        PrivateKeyJWT assertion = new PrivateKeyJWT(new ClientID("signer"), aegis.uri("/oauth2/token"), JWSAlgorithm.ES256,
                other.toECPrivateKey(), "k1", null);
        assertEquals("invalid_client", TokenResponse.parse(request(assertion).send()).toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void expiredAssertionIsRefused() throws Exception {
        com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet claims = new com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet(
                new ClientID("signer"), new com.nimbusds.oauth2.sdk.id.Audience(aegis.uri("/oauth2/token")).toSingleAudienceList(),
                new Date(System.currentTimeMillis() - 120_000), null, new Date(System.currentTimeMillis() - 180_000),
                new com.nimbusds.oauth2.sdk.id.JWTID());
        PrivateKeyJWT assertion = new PrivateKeyJWT(claims, JWSAlgorithm.ES256, key.toECPrivateKey(), "k1", null);
        assertEquals("invalid_client", TokenResponse.parse(request(assertion).send()).toErrorResponse().getErrorObject().getCode());
    }

    @Test
    void dpopNonceIsRequiredAndHandedOut() throws Exception {
        DPoPProofFactory dpop = new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256);
        HTTPRequest withoutNonce = request(new PrivateKeyJWT(new ClientID("signer"), aegis.uri("/oauth2/token"),
                JWSAlgorithm.ES256, key.toECPrivateKey(), "k1", null));
        withoutNonce.setDPoP(dpop.createDPoPJWT("POST", aegis.uri("/oauth2/token")));
        HTTPResponse refused = withoutNonce.send();
        assertEquals(400, refused.getStatusCode());
        assertEquals("use_dpop_nonce", TokenResponse.parse(refused).toErrorResponse().getErrorObject().getCode());
        String nonce = refused.getHeaderValue("DPoP-Nonce");
        assertNotNull(nonce);

        HTTPRequest withNonce = request(new PrivateKeyJWT(new ClientID("signer"), aegis.uri("/oauth2/token"),
                JWSAlgorithm.ES256, key.toECPrivateKey(), "k1", null));
        withNonce.setDPoP(dpop.createDPoPJWT("POST", aegis.uri("/oauth2/token"), new Nonce(nonce)));
        TokenResponse ok = TokenResponse.parse(withNonce.send());
        assertTrue(ok.indicatesSuccess(), () -> ok.toErrorResponse().getErrorObject().toString());
        assertEquals("DPoP", ok.toSuccessResponse().getTokens().getAccessToken().getType().getValue());
    }
}
