package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Device authorization (RFC 8628): a 256-bit device code (stored as a fingerprint) for the device to poll
 * with, and a short user code of 8 characters from a 20-letter alphabet without vowels or look-alikes
 * (§6.1: about 34 bits, enough with the brute-force limits of the verification page), shown as
 * {@code BCDF-GHJK}. Polling faster than the interval answers {@code slow_down} and adds 5 seconds (§3.5).
 *
 * <p>Thread-safe.
 */
public final class DeviceCodes {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    static final int INTERVAL_SECONDS = 5;
    private static final char[] ALPHABET = "BCDFGHJKLMNPQRSTVWXZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final HmacFingerprint pepper;
    private final Clock clock;

    /** A new authorization: the device code and the user code. */
    public record Created(String deviceCode, String userCode, int interval, long expiresIn) {
    }

    /** What a poll found. */
    public sealed interface Poll permits Pending, SlowDown, Approved, Denied, Expired, Invalid {
    }

    public record Pending() implements Poll {
    }

    public record SlowDown() implements Poll {
    }

    public record Approved(String userId, Set<String> scope, Instant authTime) implements Poll {
    }

    public record Denied() implements Poll {
    }

    public record Expired() implements Poll {
    }

    public record Invalid(String reason) implements Poll {
    }

    /** A pending authorization as the verification page shows it. */
    public record PendingRequest(String clientId, Set<String> scope) {
    }

    public DeviceCodes(Store store, HmacFingerprint pepper, Clock clock) {
        this.store = store;
        this.pepper = pepper;
        this.clock = clock;
    }

    public Created create(String clientId, Set<String> scope) {
        String deviceCode = SecureIds.token(32);
        String userCode = userCode();
        Instant now = clock.instant();
        store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO idp_device_codes (device_code_hash, user_code, "
                    + "client_id, scope, status, interval_seconds, expires_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)")) {
                s.setString(1, pepper.of(deviceCode));
                s.setString(2, userCode);
                s.setString(3, clientId);
                s.setString(4, Scopes.join(scope));
                s.setInt(5, INTERVAL_SECONDS);
                Rows.setInstant(s, 6, now.plus(LIFETIME));
                return s.executeUpdate();
            }
        });
        return new Created(deviceCode, userCode.substring(0, 4) + "-" + userCode.substring(4), INTERVAL_SECONDS,
                LIFETIME.toSeconds());
    }

    /** @return the user code without separator, upper case, or null if it cannot be one */
    static String normalise(String userCode) {
        if (userCode == null || userCode.length() > 16) {
            return null;
        }
        StringBuilder b = new StringBuilder(8);
        for (int i = 0; i < userCode.length(); i++) {
            char c = Character.toUpperCase(userCode.charAt(i));
            if (c == '-' || c == ' ') {
                continue;
            }
            if (new String(ALPHABET).indexOf(c) < 0) {
                return null;
            }
            b.append(c);
        }
        return b.length() == 8 ? b.toString() : null;
    }

    /** @return the pending request with this user code, or null */
    public PendingRequest pending(String userCode) {
        String code = normalise(userCode);
        if (code == null) {
            return null;
        }
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT client_id, scope, expires_at FROM idp_device_codes WHERE user_code = ? AND status = 'pending'")) {
                s.setString(1, code);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next() || !now.isBefore(Rows.instant(r, "expires_at"))) {
                        return null;
                    }
                    return new PendingRequest(r.getString(1), Rows.set(r.getString(2)));
                }
            }
        });
    }

    /** Approves or denies a pending request. @return whether one was pending */
    public boolean decide(String userCode, String userId, Instant authTime, boolean approve) {
        String code = normalise(userCode);
        if (code == null) {
            return false;
        }
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE idp_device_codes SET status = ?, user_id = ?, auth_time = ? "
                    + "WHERE user_code = ? AND status = 'pending' AND expires_at > ?")) {
                s.setString(1, approve ? "approved" : "denied");
                s.setString(2, userId);
                Rows.setInstant(s, 3, authTime);
                s.setString(4, code);
                Rows.setInstant(s, 5, now);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** The device polls the token endpoint (RFC 8628 §3.4, §3.5). */
    public Poll poll(String deviceCode, String clientId) {
        if (deviceCode == null || deviceCode.length() > 128) {
            return new Invalid("malformed device code");
        }
        String hash = pepper.of(deviceCode);
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            String status;
            String owner;
            String userId;
            Set<String> scope;
            Instant authTime;
            Instant lastPoll;
            int interval;
            Instant expires;
            try (PreparedStatement s = c.prepareStatement("SELECT client_id, scope, status, user_id, auth_time, "
                    + "interval_seconds, last_polled_at, expires_at FROM idp_device_codes WHERE device_code_hash = ? FOR UPDATE")) {
                s.setString(1, hash);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return new Invalid("unknown device code");
                    }
                    owner = r.getString("client_id");
                    scope = Rows.set(r.getString("scope"));
                    status = r.getString("status");
                    userId = r.getString("user_id");
                    authTime = Rows.instant(r, "auth_time");
                    interval = r.getInt("interval_seconds");
                    lastPoll = Rows.instant(r, "last_polled_at");
                    expires = Rows.instant(r, "expires_at");
                }
            }
            if (!owner.equals(clientId)) {
                return new Invalid("device code of another client");
            }
            if (!now.isBefore(expires)) {
                return new Expired();
            }
            boolean tooFast = lastPoll != null && now.isBefore(lastPoll.plusSeconds(interval));
            String nextStatus = status.equals("approved") ? "consumed" : status;
            try (PreparedStatement s = c.prepareStatement("UPDATE idp_device_codes SET last_polled_at = ?, "
                    + "interval_seconds = ?, status = ? WHERE device_code_hash = ?")) {
                Rows.setInstant(s, 1, now);
                s.setInt(2, tooFast && status.equals("pending") ? interval + 5 : interval);
                s.setString(3, nextStatus);
                s.setString(4, hash);
                s.executeUpdate();
            }
            return switch (status) {
                case "approved" -> new Approved(userId, scope, authTime);
                case "denied" -> new Denied();
                case "consumed" -> new Invalid("device code already used");
                default -> tooFast ? new SlowDown() : new Pending();
            };
        });
    }

    private static String userCode() {
        char[] code = new char[8];
        for (int i = 0; i < code.length; i++) {
            code[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(code);
    }
}
