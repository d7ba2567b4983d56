package dev.aegis.core.api.crypto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The set of master keys (key-encryption keys) of envelope encryption, one of them primary. New envelopes are
 * wrapped by the primary; older keys stay to open older envelopes until they are rewrapped
 * ({@link EnvelopeCipher#rewrap}). This is the keyring of Vault's barrier or a KMS key with versions.
 *
 * <p>Immutable and thread-safe: "rotation" returns a new ring ({@link #withPrimary}). Arguments must not be
 * {@code null}; no method returns {@code null}.
 */
public final class MasterKeyRing {

    private final List<Aes256Gcm> keys;
    private final Map<KeyId, Aes256Gcm> byId;
    private final Aes256Gcm primary;

    private MasterKeyRing(List<Aes256Gcm> keys, Map<KeyId, Aes256Gcm> byId, Aes256Gcm primary) {
        this.keys = keys;
        this.byId = byId;
        this.primary = primary;
    }

    /**
     * @param keys    the master keys, at least one, unique key ids (order is kept)
     * @param primary id of the key that wraps new data keys; must be among {@code keys}
     * @return the ring
     * @throws IllegalArgumentException if {@code keys} is empty, has duplicate ids, or lacks {@code primary}
     */
    public static MasterKeyRing of(List<Aes256Gcm> keys, KeyId primary) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(primary, "primary");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a master key ring needs at least one key");
        }
        List<Aes256Gcm> copy = List.copyOf(keys);
        Map<KeyId, Aes256Gcm> byId = new HashMap<>();
        for (Aes256Gcm k : copy) {
            if (byId.put(k.keyId(), k) != null) {
                throw new IllegalArgumentException("duplicate master key id " + k.keyId().value());
            }
        }
        Aes256Gcm p = byId.get(primary);
        if (p == null) {
            throw new IllegalArgumentException("primary master key " + primary.value() + " is not in the ring");
        }
        return new MasterKeyRing(copy, Map.copyOf(byId), p);
    }

    /** @return the key that wraps new data keys */
    public Aes256Gcm primary() {
        return primary;
    }

    /**
     * @param keyId a master key id (from {@link Envelope#masterKeyId()})
     * @return the key, or empty if this ring does not hold it
     */
    public Optional<Aes256Gcm> find(KeyId keyId) {
        return Optional.ofNullable(byId.get(Objects.requireNonNull(keyId, "keyId")));
    }

    /**
     * Master key rotation: adds {@code newKey} and makes it primary; older keys stay for decryption.
     * If the very same key object is already in the ring it only becomes primary.
     *
     * @param newKey the new primary key
     * @return a new ring
     * @throws IllegalArgumentException if a different key with the same id is already in the ring
     */
    public MasterKeyRing withPrimary(Aes256Gcm newKey) {
        Objects.requireNonNull(newKey, "newKey");
        Aes256Gcm existing = byId.get(newKey.keyId());
        if (existing == newKey) {
            return new MasterKeyRing(keys, byId, newKey);
        }
        if (existing != null) {
            throw new IllegalArgumentException("master key id " + newKey.keyId().value() + " is already in use");
        }
        List<Aes256Gcm> next = new ArrayList<>(keys);
        next.add(newKey);
        return of(next, newKey.keyId());
    }

    /** @return ids of all keys, in ring order */
    public List<KeyId> keyIds() {
        List<KeyId> ids = new ArrayList<>(keys.size());
        for (Aes256Gcm k : keys) {
            ids.add(k.keyId());
        }
        return List.copyOf(ids);
    }

    @Override
    public String toString() {
        return "MasterKeyRing[primary=" + primary.keyId().value() + ", keys=" + keyIds() + "]";
    }
}
