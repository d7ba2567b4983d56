package dev.aegis.identity.internal;

import dev.aegis.audit.api.FingerprintKey;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.store.api.KeyMaterialStore;
import java.time.Clock;

/**
 * The server-side pepper under which the identity provider fingerprints its server-generated secrets (client
 * secrets, refresh tokens, authorization and device codes, session ids) with HMAC-SHA256: the same on every
 * cluster node, encrypted at rest under the master keys (and re-wrapped when they rotate), never in the clear in
 * the database.
 *
 * <p>It is a {@link FingerprintKey} of its own ring {@value #RING}, independent of the audit log's:
 * {@code pepper = HKDF-SHA-256(salt = "aegis-identity-pepper", IKM = d, info = "v1")} (RFC 5869). The ring is
 * never rotated: a new pepper would orphan every stored fingerprint.
 */
public final class IdentityPepper {

    /** Ring name in {@link KeyMaterialStore}; never rotate it. */
    public static final String RING = "identity-pepper";

    private IdentityPepper() {
    }

    /**
     * @param keys  key material
     * @param clock creation time of the seed on first use
     * @return the fingerprint function under the pepper
     */
    public static HmacFingerprint load(KeyMaterialStore keys, Clock clock) {
        return new HmacFingerprint(FingerprintKey.load(keys, RING, clock));
    }
}
