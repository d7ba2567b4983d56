package dev.aegis.sdk.api.mtls;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A workload's own X.509-SVID (SPIFFE X509-SVID specification): the leaf certificate with its SPIFFE ID, the
 * intermediate certificates up to (not including) a trust anchor, and the private key that never left the
 * workload. {@link #of} refuses anything that breaks a rule of {@link X509SvidRules} or whose key does not match
 * the leaf.
 *
 * <p>Immutable and thread-safe. Not a record: it holds a private key, and its {@code toString} names only the
 * SPIFFE ID, serial and expiry.
 */
public final class X509Svid {

    private final SpiffeId id;
    private final List<X509Certificate> chain;
    private final PrivateKey privateKey;

    private X509Svid(SpiffeId id, List<X509Certificate> chain, PrivateKey privateKey) {
        this.id = id;
        this.chain = chain;
        this.privateKey = privateKey;
    }

    /**
     * @param chain      leaf first, then its signers
     * @param privateKey the leaf's private key
     * @return the validated SVID
     * @throws IllegalArgumentException naming the first broken rule
     */
    public static X509Svid of(List<X509Certificate> chain, PrivateKey privateKey) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(privateKey, "privateKey");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("an X509-SVID chain must contain a leaf certificate");
        }
        X509Certificate leaf = chain.getFirst();
        Optional<String> leafRule = X509SvidRules.leafViolation(leaf);
        if (leafRule.isPresent()) {
            throw new IllegalArgumentException(leafRule.get());
        }
        for (int i = 1; i < chain.size(); i++) {
            Optional<String> rule = X509SvidRules.signerViolation(chain.get(i));
            if (rule.isPresent()) {
                throw new IllegalArgumentException(rule.get());
            }
        }
        if (!keyMatches(leaf, privateKey)) {
            throw new IllegalArgumentException("the private key does not match the leaf certificate's public key");
        }
        return new X509Svid(X509SvidRules.spiffeIdOf(leaf), List.copyOf(chain), privateKey);
    }

    private static boolean keyMatches(X509Certificate leaf, PrivateKey key) {
        try {
            String alg = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = "aegis-key-match-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(leaf.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** @return the SPIFFE ID of the leaf */
    public SpiffeId spiffeId() {
        return id;
    }

    /** @return leaf first, then intermediates */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** @return the leaf certificate */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** @return the private key of the leaf (the one explicit accessor) */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** @return the leaf's serial number in lower-case hex */
    public String serial() {
        return leaf().getSerialNumber().toString(16);
    }

    /** @return the leaf's notBefore */
    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    /** @return the leaf's notAfter */
    public Instant expiresAt() {
        return leaf().getNotAfter().toInstant();
    }

    /** @return the moment at half of the leaf's lifetime, when the SDK renews it */
    public Instant halfLife() {
        long nb = notBefore().toEpochMilli();
        return Instant.ofEpochMilli(nb + (expiresAt().toEpochMilli() - nb) / 2);
    }

    @Override
    public String toString() {
        return "X509Svid[" + id + ", serial=" + serial() + ", expiresAt=" + expiresAt() + "]";
    }
}
