package dev.aegis.core.api.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.aegis.core.api.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made tokens for attack tests: what an attacker can build without going through {@link JwtSigner}. */
final class ForgedTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private ForgedTokens() {
    }

    static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code header.claims.} with the given raw JSON and an empty signature. */
    static String unsigned(String headerJson, String claimsJson) {
        return b64(headerJson) + "." + b64(claimsJson) + ".";
    }

    /** HMAC-SHA256 over {@code header.claims} keyed with {@code key} (e.g. a public key's bytes). */
    static String hs256(String headerJson, String claimsJson, byte[] key) throws GeneralSecurityException {
        String signingInput = b64(headerJson) + "." + b64(claimsJson);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Signs with the real private key of {@code key} but an attacker-chosen header. */
    static String signWithHeader(SigningKey key, JWSHeader header, JWTClaimsSet claims)
            throws ParseException, JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signerOf(key));
        return jwt.serialize();
    }

    static JWSSigner signerOf(SigningKey key) throws ParseException, JOSEException {
        JWK jwk = JWK.parse(new String(key.exportPrivateJwk().revealCopy(), StandardCharsets.UTF_8));
        return switch (key.algorithm()) {
            case ES256 -> new ECDSASigner(jwk.toECKey());
            case EDDSA -> new Ed25519Signer(jwk.toOctetKeyPair());
            case RS256 -> new RSASSASigner(jwk.toRSAKey());
        };
    }

    /** Replaces the claims part, keeping header and signature. */
    static String withClaims(String token, String claimsJson) {
        String[] p = token.split("\\.");
        return p[0] + "." + b64(claimsJson) + "." + p[2];
    }
}
