package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.Envelope;
import dev.aegis.core.api.crypto.EnvelopeCipher;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Arrays;

/**
 * The optional TOTP second factor of users (RFC 6238): a 160-bit secret per user, sealed in
 * {@code idp_users.totp_envelope} under the master keys (envelope encryption, associated data = user id, so a
 * secret cannot be moved to another user's row), shown once at enrolment as an {@code otpauth://} URI. A code is
 * accepted at most once: the accepted time step is recorded with a conditional update, so a replayed or
 * concurrently reused code fails.
 *
 * <p>Thread-safe.
 */
public final class TotpSecrets {

    private final Store store;
    private final KeyMaterialStore keys;
    private final Clock clock;

    public TotpSecrets(Store store, KeyMaterialStore keys, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Enrols (or re-enrols) a user.
     *
     * @return the {@code otpauth://} URI with the secret, or null when the user does not exist
     */
    public String enrol(String userId, String username, String issuerLabel) {
        byte[] secret = SecretBytes.random(20).revealCopy();
        try {
            Envelope sealed = new EnvelopeCipher(keys.masterKeys()).seal(secret, aad(userId));
            int n = store.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE idp_users SET totp_envelope = ?, totp_last_step = NULL WHERE user_id = ?")) {
                    s.setBytes(1, sealed.encode());
                    s.setString(2, userId);
                    return s.executeUpdate();
                }
            });
            if (n == 0) {
                return null;
            }
            String label = URLEncoder.encode(issuerLabel + ":" + username, StandardCharsets.UTF_8).replace("+", "%20");
            return "otpauth://totp/" + label + "?secret=" + Totp.base32(secret) + "&issuer="
                    + URLEncoder.encode(issuerLabel, StandardCharsets.UTF_8) + "&algorithm=SHA1&digits=6&period=30";
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** @return whether a user was enrolled */
    public boolean remove(String userId) {
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE idp_users SET totp_envelope = NULL, totp_last_step = NULL WHERE user_id = ? AND totp_envelope IS NOT NULL")) {
                s.setString(1, userId);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** @return whether the user has a second factor */
    public boolean enrolled(String userId) {
        return sealed(userId) != null;
    }

    /**
     * @param code the code the user typed, may be null
     * @return true when the user is enrolled and the code is valid and not used before
     */
    public boolean check(String userId, String code) {
        byte[] envelope = sealed(userId);
        if (envelope == null) {
            return false;
        }
        byte[] secret;
        try {
            secret = new EnvelopeCipher(keys.masterKeys()).open(Envelope.decode(envelope), aad(userId));
        } catch (DecryptionFailedException e) {
            return false;
        }
        try {
            long step = Totp.match(secret, code, clock.instant().getEpochSecond());
            if (step < 0) {
                return false;
            }
            int n = store.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE idp_users SET totp_last_step = ? WHERE user_id = ? "
                        + "AND (totp_last_step IS NULL OR totp_last_step < ?)")) {
                    s.setLong(1, step);
                    s.setString(2, userId);
                    s.setLong(3, step);
                    return s.executeUpdate();
                }
            });
            return n == 1;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private byte[] sealed(String userId) {
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT totp_envelope FROM idp_users WHERE user_id = ?")) {
                s.setString(1, userId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getBytes(1) : null;
                }
            }
        });
    }

    private static byte[] aad(String userId) {
        return ("idp-totp:" + userId).getBytes(StandardCharsets.UTF_8);
    }
}
