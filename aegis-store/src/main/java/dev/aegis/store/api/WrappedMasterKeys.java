package dev.aegis.store.api;

import dev.aegis.core.api.crypto.Aes256Gcm;
import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.crypto.MasterKeyRing;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.spi.RootKeyProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wraps master keys under the root key and unwraps them again (AES-256-GCM, RFC 5116). The associated data
 * binds the master key id, so swapping the wrapped keys of two rows makes both fail instead of exchanging keys.
 */
final class WrappedMasterKeys {

    /** The root key's id inside the wrapped ciphertexts. */
    static final KeyId ROOT_KEY_ID = KeyId.of("root");
    private static final int KEY_BYTES = 32;

    private final RootKeyProvider rootKeys;

    WrappedMasterKeys(RootKeyProvider rootKeys) {
        this.rootKeys = rootKeys;
    }

    /** A freshly generated master key, in the clear (for the ring) and wrapped (for the row). */
    record NewKey(Aes256Gcm key, byte[] wrapped) {
    }

    NewKey generate(long generation) {
        KeyId kid = KeyId.of("mk" + generation + "-" + KeyId.random().value());
        SecretBytes material = SecretBytes.random(KEY_BYTES);
        byte[] raw = material.revealCopy();
        try {
            return new NewKey(Aes256Gcm.of(kid, material), root().encrypt(raw, associatedData(kid)));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * @param rows stored master keys, oldest generation first, at least one
     * @return the ring, the newest generation primary
     * @throws StoreException if a key does not unwrap: the root key does not belong to this database
     */
    MasterKeyRing unwrap(List<MasterKeyRows.Row> rows) {
        Aes256Gcm root = root();
        List<Aes256Gcm> keys = new ArrayList<>(rows.size());
        for (MasterKeyRows.Row row : rows) {
            KeyId kid = KeyId.of(row.kid());
            byte[] raw = null;
            try {
                raw = root.decrypt(row.wrappedKey(), associatedData(kid));
                keys.add(Aes256Gcm.of(kid, SecretBytes.copyOf(raw)));
            } catch (DecryptionFailedException e) {
                throw new StoreException("cannot unwrap master key " + kid.value() + " with the "
                        + rootKeys.description() + ": the root key does not belong to this database (wrong key"
                        + " file?) or the row was tampered with", e);
            } finally {
                if (raw != null) {
                    Arrays.fill(raw, (byte) 0);
                }
            }
        }
        return MasterKeyRing.of(keys, keys.getLast().keyId());
    }

    private Aes256Gcm root() {
        SecretBytes key = rootKeys.rootKey();
        if (key.length() != KEY_BYTES) {
            throw new StoreException("the " + rootKeys.description() + " supplied a " + key.length()
                    + "-byte key; a root key has " + KEY_BYTES + " bytes");
        }
        return Aes256Gcm.of(ROOT_KEY_ID, key);
    }

    private static byte[] associatedData(KeyId kid) {
        return ("aegis/master-key/v1/" + kid.value()).getBytes(StandardCharsets.US_ASCII);
    }
}
