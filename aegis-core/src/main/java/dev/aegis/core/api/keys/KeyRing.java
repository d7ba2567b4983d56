package dev.aegis.core.api.keys;

import dev.aegis.core.api.crypto.KeyId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the signing keys of one purpose (token signing, audit checkpoints): at most one
 * {@link KeyState#ACTIVE} key that signs, and the PENDING and RETIRED keys published beside it so verifiers know a
 * key before it signs and after it stops (JWK Set, RFC 7517 §5). DESTROYED keys stay in {@link #keys()} as a
 * record but are never published or found.
 *
 * <p>Immutable and thread-safe: publish a new ring by swapping a reference ({@code AtomicReference},
 * {@code volatile}). {@link #find} is allocation-free (precomputed). No method returns {@code null}.
 */
public final class KeyRing implements VerificationKeySource {

    private static final KeyRing EMPTY = new KeyRing(List.of());

    private final List<SigningKey> keys;
    private final Map<KeyId, Optional<VerificationKey>> published;
    private final Optional<SigningKey> active;
    private final String jwkSetJson;

    private KeyRing(List<SigningKey> keys) {
        this.keys = keys;
        Map<KeyId, Optional<VerificationKey>> byId = new HashMap<>();
        SigningKey activeKey = null;
        StringBuilder jwks = new StringBuilder("{\"keys\":[");
        for (SigningKey k : keys) {
            if (byId.containsKey(k.keyId())) {
                throw new IllegalArgumentException("duplicate key id " + k.keyId().value() + " in key ring");
            }
            if (k.state() == KeyState.ACTIVE) {
                if (activeKey != null) {
                    throw new IllegalArgumentException("a key ring has at most one ACTIVE key");
                }
                activeKey = k;
            }
            if (k.state() == KeyState.DESTROYED) {
                byId.put(k.keyId(), Optional.empty());
            } else {
                byId.put(k.keyId(), Optional.of(k.verificationKey()));
                if (jwks.charAt(jwks.length() - 1) != '[') {
                    jwks.append(',');
                }
                jwks.append(k.publicJwkJson());
            }
        }
        this.published = Map.copyOf(byId);
        this.active = Optional.ofNullable(activeKey);
        this.jwkSetJson = jwks.append("]}").toString();
    }

    /**
     * @param keys the keys, unique ids, at most one ACTIVE (order is kept)
     * @return the ring
     * @throws IllegalArgumentException on duplicate ids or several ACTIVE keys
     */
    public static KeyRing of(List<SigningKey> keys) {
        return new KeyRing(List.copyOf(Objects.requireNonNull(keys, "keys")));
    }

    /** @return the ring without keys */
    public static KeyRing empty() {
        return EMPTY;
    }

    /** @return the ACTIVE key, the one that signs; empty before the first rotation step */
    public Optional<SigningKey> signingKey() {
        return active;
    }

    /** @return all keys including DESTROYED ones, in ring order */
    public List<SigningKey> keys() {
        return keys;
    }

    /**
     * @param kid a key id
     * @return the PENDING, ACTIVE or RETIRED key with that id; empty for unknown or DESTROYED keys
     */
    @Override
    public Optional<VerificationKey> find(KeyId kid) {
        Optional<VerificationKey> k = published.get(kid);
        return k != null ? k : Optional.empty();
    }

    /** @return {@code {"keys":[...]}} with the public JWKs of all PENDING, ACTIVE and RETIRED keys (RFC 7517 §5) */
    public String publicJwkSetJson() {
        return jwkSetJson;
    }

    /**
     * @param key a key to add or to replace (same id)
     * @return a new ring
     */
    KeyRing with(SigningKey key) {
        List<SigningKey> next = new ArrayList<>(keys.size() + 1);
        boolean replaced = false;
        for (SigningKey k : keys) {
            if (k.keyId().equals(key.keyId())) {
                next.add(key);
                replaced = true;
            } else {
                next.add(k);
            }
        }
        if (!replaced) {
            next.add(key);
        }
        return new KeyRing(List.copyOf(next));
    }

    @Override
    public String toString() {
        return "KeyRing" + keys;
    }
}
