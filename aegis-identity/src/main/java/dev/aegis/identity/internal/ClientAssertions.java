package dev.aegis.identity.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2 and §3; OIDC Core §9): the client signs a
 * short-lived JWT with a key whose public half it registered. Checks, in order: a signed JWT with an
 * asymmetric algorithm (never {@code none} or HMAC, RFC 8725 §2.1); the key named by {@code kid} from the
 * client's registered JWK Set only; the signature; {@code iss} = {@code sub} = client id; {@code aud} names
 * this endpoint or the issuer; {@code exp} in the future and at most 10 minutes away; {@code jti} present and
 * never seen before (replay cache).
 *
 * <p>Thread-safe.
 */
public final class ClientAssertions {

    static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.PS256,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    private static final long MAX_LIFETIME_SECONDS = 600;
    private static final long SKEW_SECONDS = 30;

    private final ClientRegistry clients;
    private final Clock clock;
    private final ReplayCache replay;
    private volatile String issuer = "";

    public ClientAssertions(ClientRegistry clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
        this.replay = new ReplayCache(clock, 100_000);
    }

    void issuer(String issuer) {
        this.issuer = issuer;
    }

    ClientAuthenticator.Result authenticate(String assertion, String formClientId, String audience) {
        if (assertion == null || assertion.length() > 8192) {
            return fail(formClientId, "missing or oversized client_assertion");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return fail(formClientId, "client_assertion is not a signed JWT");
        }
        if (!ALLOWED.contains(jwt.getHeader().getAlgorithm())) {
            return fail(formClientId, "client_assertion alg not allowed (RFC 8725 §2.1)");
        }
        String clientId = claims.getIssuer();
        if (clientId == null || !clientId.equals(claims.getSubject())
                || (formClientId != null && !formClientId.equals(clientId))) {
            return fail(formClientId, "iss and sub must both be the client_id (RFC 7523 §3)");
        }
        Optional<ClientRecord> client = clients.find(clientId);
        if (client.isEmpty() || !ClientRecord.PRIVATE_KEY_JWT.equals(client.get().authMethod())) {
            return fail(clientId, "client not registered for private_key_jwt");
        }
        if (!signatureValid(jwt, client.get().jwks().orElse("{\"keys\":[]}"))) {
            return fail(clientId, "client_assertion signature does not verify under a registered key");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !(aud.contains(audience) || aud.contains(issuer) || aud.contains(issuer + "/oauth2/token"))) {
            return fail(clientId, "aud must name this endpoint (RFC 7523 §3)");
        }
        long now = clock.instant().getEpochSecond();
        Date exp = claims.getExpirationTime();
        if (exp == null || exp.getTime() / 1000 + SKEW_SECONDS <= now || exp.getTime() / 1000 - now > MAX_LIFETIME_SECONDS) {
            return fail(clientId, "exp missing, past or too far in the future (RFC 7523 §3)");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.length() > 256 || !replay.firstUse(clientId + " " + jti, exp.getTime() / 1000)) {
            return fail(clientId, "jti missing or replayed (RFC 7523 §3)");
        }
        return new ClientAuthenticator.Authenticated(client.get(), ClientRecord.PRIVATE_KEY_JWT);
    }

    private static boolean signatureValid(SignedJWT jwt, String jwksJson) {
        try {
            JWKSet set = JWKSet.parse(jwksJson);
            String kid = jwt.getHeader().getKeyID();
            List<JWK> keys = set.getKeys();
            for (JWK jwk : keys) {
                if ((kid == null && keys.size() == 1) || (kid != null && kid.equals(jwk.getKeyID()))) {
                    JWSVerifier verifier = verifierFor(jwt, jwk);
                    return verifier != null && jwt.verify(verifier);
                }
            }
            return false;
        } catch (ParseException | JOSEException e) {
            return false;
        }
    }

    private static JWSVerifier verifierFor(SignedJWT jwt, JWK jwk) throws JOSEException {
        if (jwk.isPrivate()) {
            return null; // a registered private key is a misconfiguration, never trusted
        }
        if (jwk instanceof OctetKeyPair okp) {
            return new com.nimbusds.jose.crypto.Ed25519Verifier(okp);
        }
        if (!(jwk instanceof AsymmetricJWK asym)) {
            return null;
        }
        Key key = asym.toPublicKey();
        return new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(), key);
    }

    private static ClientAuthenticator.Failed fail(String clientId, String reason) {
        return new ClientAuthenticator.Failed(OAuthError.invalidClient(), clientId, reason);
    }
}
