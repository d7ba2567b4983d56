package dev.aegis.core.api.keys;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.core.internal.JoseAccess;
import dev.aegis.core.internal.JoseKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * An asymmetric signing key with its life-cycle state ({@link KeyState}, NIST SP 800-57 Part 1 §5.3) and
 * timestamps. Bound to exactly one {@link SigningAlgorithm} (RFC 8725 §3.1); its public half is published as a
 * JWK (RFC 7517) via {@link #verificationKey()}.
 *
 * <p>Transitions ({@link #activate}, {@link #retire}, {@link #destroy}) return new instances and refuse illegal
 * moves with {@link IllegalStateException}; {@link #destroy} drops the private material. The Nimbus signer and
 * verifier are built once per key and shared by all instances derived from it.
 *
 * <p>Immutable and thread-safe. Arguments must not be {@code null} (except the nullable timestamps of
 * {@link #restore}); {@code toString()} never shows private material.
 */
public final class SigningKey {

    static {
        JoseAccess.register(KeyInternalsImpl.INSTANCE);
    }

    private final KeyId keyId;
    private final SigningAlgorithm algorithm;
    private final KeyState state;
    private final Instant createdAt;
    private final Instant activatedAt;
    private final Instant retiredAt;
    private final Instant destroyedAt;
    private final VerificationKey verificationKey;
    private final JWK privateJwk;
    private final JWSSigner signer;

    @SuppressWarnings("checkstyle:ParameterNumber")
    private SigningKey(KeyState state, Instant createdAt, Instant activatedAt, Instant retiredAt,
                       Instant destroyedAt, VerificationKey verificationKey, JWK privateJwk, JWSSigner signer) {
        this.keyId = verificationKey.keyId();
        this.algorithm = verificationKey.algorithm();
        this.state = state;
        this.createdAt = createdAt;
        this.activatedAt = activatedAt;
        this.retiredAt = retiredAt;
        this.destroyedAt = destroyedAt;
        this.verificationKey = verificationKey;
        this.privateJwk = privateJwk;
        this.signer = signer;
    }

    /**
     * Generates a new key pair (ES256: P-256, EdDSA: Ed25519, RS256: 2048-bit RSA) in state {@link KeyState#PENDING}.
     *
     * @param algorithm the algorithm the key is bound to
     * @param keyId     its {@code kid}
     * @param createdAt creation (and publication) time
     * @return the key
     */
    public static SigningKey generate(SigningAlgorithm algorithm, KeyId keyId, Instant createdAt) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(createdAt, "createdAt");
        JWK priv = JoseKeys.generate(algorithm, keyId);
        return new SigningKey(KeyState.PENDING, createdAt, null, null, null,
                VerificationKey.of(priv.toPublicJWK()), priv, JoseKeys.signer(priv));
    }

    /**
     * Rebuilds a key from storage. Timestamps must match the state: PENDING has none of activated/retired/
     * destroyed; ACTIVE has activated; RETIRED has retired (activated optional: a superseded PENDING key is
     * retired unused); DESTROYED has retired and destroyed. Private material is required for PENDING and
     * ACTIVE, optional for RETIRED, forbidden for DESTROYED, and must match the public key.
     *
     * @param keyId        the key id; must equal the JWKs' {@code kid}
     * @param algorithm    the algorithm; must equal the JWKs' {@code alg}
     * @param state        the state
     * @param createdAt    creation time, not {@code null}
     * @param activatedAt  activation time, nullable as above
     * @param retiredAt    retirement time, nullable as above
     * @param destroyedAt  destruction time, nullable as above
     * @param publicJwkJson the public JWK
     * @param privateJwk   the private JWK as exported by {@link #exportPrivateJwk()}, or empty
     * @return the key
     * @throws IllegalArgumentException if anything is inconsistent
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public static SigningKey restore(KeyId keyId, SigningAlgorithm algorithm, KeyState state, Instant createdAt,
                                     Instant activatedAt, Instant retiredAt, Instant destroyedAt,
                                     String publicJwkJson, Optional<SecretBytes> privateJwk) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(privateJwk, "privateJwk");
        KeyTimeline.check(state, createdAt, activatedAt, retiredAt, destroyedAt, privateJwk.isPresent());
        VerificationKey vk = VerificationKey.fromJwk(publicJwkJson);
        if (!vk.keyId().equals(keyId) || vk.algorithm() != algorithm) {
            throw new IllegalArgumentException("public JWK kid/alg do not match key " + keyId.value());
        }
        JWK priv = null;
        JWSSigner signer = null;
        if (privateJwk.isPresent()) {
            byte[] raw = privateJwk.get().revealCopy();
            try {
                priv = JoseKeys.parse(new String(raw, StandardCharsets.UTF_8), true);
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
            if (!priv.getKeyID().equals(keyId.value()) || JoseKeys.algorithmOf(priv) != algorithm
                    || !JoseKeys.samePublicKey(priv, vk.jwk())) {
                throw new IllegalArgumentException("private JWK does not match the public key of " + keyId.value());
            }
            signer = JoseKeys.signer(priv);
        }
        return new SigningKey(state, createdAt, activatedAt, retiredAt, destroyedAt, vk, priv, signer);
    }

    /** @return the key id ({@code kid}) */
    public KeyId keyId() {
        return keyId;
    }

    /** @return the algorithm this key is bound to */
    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /** @return the life-cycle state */
    public KeyState state() {
        return state;
    }

    /** @return when the key was generated and first published */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return when it became ACTIVE, if ever */
    public Optional<Instant> activatedAt() {
        return Optional.ofNullable(activatedAt);
    }

    /** @return when it was RETIRED, if it was */
    public Optional<Instant> retiredAt() {
        return Optional.ofNullable(retiredAt);
    }

    /** @return when it was DESTROYED, if it was */
    public Optional<Instant> destroyedAt() {
        return Optional.ofNullable(destroyedAt);
    }

    /**
     * PENDING → ACTIVE.
     *
     * @param at activation time, not before creation
     * @return the active key
     * @throws IllegalStateException if the key is not PENDING or {@code at} is before creation
     */
    public SigningKey activate(Instant at) {
        requireState(KeyState.PENDING, "activate");
        requireNotBefore(at, createdAt, "activate");
        return new SigningKey(KeyState.ACTIVE, createdAt, at, null, null, verificationKey, privateJwk, signer);
    }

    /**
     * ACTIVE → RETIRED, or PENDING → RETIRED for a successor superseded before it signed anything.
     *
     * @param at retirement time, not before activation (or creation)
     * @return the retired key (still published, no longer signing)
     * @throws IllegalStateException if the key is RETIRED or DESTROYED, or {@code at} is too early
     */
    public SigningKey retire(Instant at) {
        if (state != KeyState.ACTIVE && state != KeyState.PENDING) {
            throw new IllegalStateException("cannot retire key " + keyId.value() + " in state " + state);
        }
        requireNotBefore(at, activatedAt != null ? activatedAt : createdAt, "retire");
        return new SigningKey(KeyState.RETIRED, createdAt, activatedAt, at, null, verificationKey, privateJwk,
                signer);
    }

    /**
     * RETIRED → DESTROYED: drops the private material; the key is no longer published.
     *
     * @param at destruction time, not before retirement
     * @return the destroyed key (metadata and public key only)
     * @throws IllegalStateException if the key is not RETIRED or {@code at} is before retirement
     */
    public SigningKey destroy(Instant at) {
        requireState(KeyState.RETIRED, "destroy");
        requireNotBefore(at, retiredAt, "destroy");
        return new SigningKey(KeyState.DESTROYED, createdAt, activatedAt, retiredAt, at, verificationKey, null, null);
    }

    /** @return the public JWK as JSON (RFC 7517 §4) */
    public String publicJwkJson() {
        return verificationKey.jwkJson();
    }

    /** @return whether private material is still held (false once DESTROYED) */
    public boolean hasPrivateKey() {
        return privateJwk != null;
    }

    /**
     * The private JWK, for encrypted storage only (seal it in an {@code Envelope}; never log or send it).
     *
     * @return the private JWK JSON as UTF-8 bytes
     * @throws IllegalStateException if the private material was dropped
     */
    public SecretBytes exportPrivateJwk() {
        if (privateJwk == null) {
            throw new IllegalStateException("key " + keyId.value() + " holds no private material");
        }
        return SecretBytes.copyOf(privateJwk.toJSONString().getBytes(StandardCharsets.UTF_8));
    }

    /** @return the public key with its algorithm, for verifiers */
    public VerificationKey verificationKey() {
        return verificationKey;
    }

    JWSSigner signer() {
        return signer;
    }

    private void requireState(KeyState expected, String action) {
        if (state != expected) {
            throw new IllegalStateException("cannot " + action + " key " + keyId.value() + " in state " + state);
        }
    }

    private void requireNotBefore(Instant at, Instant earliest, String action) {
        Objects.requireNonNull(at, "at");
        if (at.isBefore(earliest)) {
            throw new IllegalStateException("cannot " + action + " key " + keyId.value() + " at " + at
                    + ", before " + earliest);
        }
    }

    /** @return kid, algorithm and state; never key material */
    @Override
    public String toString() {
        return "SigningKey[kid=" + keyId.value() + ", alg=" + algorithm.joseName() + ", state=" + state + "]";
    }
}
