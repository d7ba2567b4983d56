package dev.aegis.sdk.api.mtls;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.X509CertUtils;
import dev.aegis.core.api.keys.VerificationKey;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The trust bundle of one trust domain in the SPIFFE bundle format (SPIFFE Trust Domain and Bundle spec §4):
 * a JWK Set whose {@code x509-svid} keys carry one CA certificate each in {@code x5c} (the X.509 authorities) and
 * whose {@code jwt-svid} keys verify JWT-SVIDs, plus {@code spiffe_sequence} and {@code spiffe_refresh_hint}.
 * JSON is parsed and written by Nimbus JOSE+JWT, never by hand.
 *
 * <p>Immutable and thread-safe; components are never {@code null}.
 *
 * @param trustDomain     whose bundle this is
 * @param x509Authorities CA certificates trusted as roots for X509-SVIDs of this domain
 * @param jwtAuthorities  public keys that verify JWT-SVIDs of this domain
 * @param sequence        {@code spiffe_sequence}: grows with every change
 * @param refreshHint     {@code spiffe_refresh_hint}: how often consumers should refetch
 */
public record TrustBundle(TrustDomain trustDomain, List<X509Certificate> x509Authorities,
                          List<VerificationKey> jwtAuthorities, long sequence, Duration refreshHint) {

    /** {@code use} of an X.509 authority (bundle spec §4.2.1). */
    public static final String USE_X509_SVID = "x509-svid";
    /** {@code use} of a JWT authority (bundle spec §4.2.2). */
    public static final String USE_JWT_SVID = "jwt-svid";
    static final int MAX_JSON_BYTES = 512 * 1024;

    /** Validates and copies. */
    public TrustBundle {
        Objects.requireNonNull(trustDomain, "trustDomain");
        x509Authorities = List.copyOf(x509Authorities);
        jwtAuthorities = List.copyOf(jwtAuthorities);
        Objects.requireNonNull(refreshHint, "refreshHint");
        if (sequence < 0) {
            throw new IllegalArgumentException("spiffe_sequence must not be negative");
        }
    }

    /**
     * Parses a bundle document. Keys with an unknown {@code use} are ignored (bundle spec §4.1); an
     * {@code x509-svid} key without exactly one certificate, or a {@code jwt-svid} key without {@code kid} or
     * {@code alg}, makes the whole bundle invalid.
     *
     * @param trustDomain the domain the document was fetched for (a bundle does not name its domain)
     * @param json        the document
     * @return the bundle
     * @throws IllegalArgumentException naming what is wrong
     */
    public static TrustBundle parse(TrustDomain trustDomain, String json) {
        Objects.requireNonNull(json, "json");
        if (json.length() > MAX_JSON_BYTES) {
            throw new IllegalArgumentException("trust bundle larger than " + MAX_JSON_BYTES + " bytes");
        }
        try {
            Map<String, Object> doc = JSONObjectUtils.parse(json);
            List<X509Certificate> x509 = new ArrayList<>();
            List<VerificationKey> jwt = new ArrayList<>();
            for (Object entry : JSONObjectUtils.getJSONObjectArray(doc, "keys") == null
                    ? new Object[0] : JSONObjectUtils.getJSONObjectArray(doc, "keys")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> key = (Map<String, Object>) entry;
                String use = JSONObjectUtils.getString(key, "use");
                if (USE_X509_SVID.equals(use)) {
                    x509.add(authorityCertificate(JWK.parse(key)));
                } else if (USE_JWT_SVID.equals(use)) {
                    if (JSONObjectUtils.getString(key, "kid") == null || JSONObjectUtils.getString(key, "alg") == null) {
                        throw new IllegalArgumentException("a jwt-svid key needs kid and alg (bundle spec §4.2.2)");
                    }
                    // Our verifier keys are signature keys ("use":"sig", RFC 7517 §4.2); the bundle's use names the SVID type.
                    Map<String, Object> sig = new LinkedHashMap<>(key);
                    sig.put("use", "sig");
                    jwt.add(VerificationKey.fromJwk(JSONObjectUtils.toJSONString(sig)));
                }
            }
            Long seq = doc.get("spiffe_sequence") instanceof Number n ? n.longValue() : 0L;
            long hint = doc.get("spiffe_refresh_hint") instanceof Number n ? n.longValue() : 300L;
            return new TrustBundle(trustDomain, x509, jwt, seq, Duration.ofSeconds(Math.max(1, hint)));
        } catch (ParseException | ClassCastException e) {
            throw new IllegalArgumentException("not a SPIFFE bundle document: " + e.getMessage(), e);
        }
    }

    private static X509Certificate authorityCertificate(JWK jwk) {
        List<Base64> x5c = jwk.getX509CertChain();
        if (x5c == null || x5c.size() != 1) {
            throw new IllegalArgumentException("an x509-svid key must carry exactly one certificate in x5c (bundle spec §4.2.1)");
        }
        X509Certificate cert = X509CertUtils.parse(x5c.getFirst().decode());
        if (cert == null) {
            throw new IllegalArgumentException("x5c of an x509-svid key is not an X.509 certificate");
        }
        return cert;
    }

    /** @return this bundle as a SPIFFE bundle document */
    public String toJson() {
        List<JWK> keys = new ArrayList<>();
        for (X509Certificate cert : x509Authorities) {
            keys.add(x509Jwk(cert));
        }
        for (VerificationKey key : jwtAuthorities) {
            try {
                Map<String, Object> jwk = new LinkedHashMap<>(JSONObjectUtils.parse(key.jwkJson()));
                jwk.put("use", USE_JWT_SVID);
                keys.add(JWK.parse(jwk));
            } catch (ParseException e) {
                throw new IllegalStateException("a JWT authority key is not a JWK", e);
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>(new JWKSet(keys).toJSONObject(true));
        doc.put("spiffe_sequence", sequence);
        doc.put("spiffe_refresh_hint", refreshHint.toSeconds());
        return JSONObjectUtils.toJSONString(doc);
    }

    private static JWK x509Jwk(X509Certificate cert) {
        try {
            List<Base64> x5c = List.of(Base64.encode(cert.getEncoded()));
            KeyUse use = new KeyUse(USE_X509_SVID);
            if (cert.getPublicKey() instanceof ECPublicKey ec) {
                return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).keyUse(use).x509CertChain(x5c).build();
            }
            if (cert.getPublicKey() instanceof RSAPublicKey rsa) {
                return new RSAKey.Builder(rsa).keyUse(use).x509CertChain(x5c).build();
            }
            throw new IllegalArgumentException("unsupported CA key type " + cert.getPublicKey().getAlgorithm());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a CA certificate", e);
        }
    }
}
