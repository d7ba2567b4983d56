package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.ConstantTime;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Authorization codes (RFC 6749 §4.1.2) with PKCE (RFC 7636): 256-bit, stored as fingerprints, valid for
 * {@link #LIFETIME}, single use. Redemption runs under a row lock and consumes the code at the first attempt
 * by its client, even a failed one, so a PKCE verifier cannot be guessed over several tries. A second
 * redemption is a replay (§4.1.2: "the authorization server MUST deny the request and SHOULD revoke all
 * tokens previously issued based on that authorization code").
 *
 * <p>Thread-safe.
 */
public final class AuthorizationCodes {

    static final Duration LIFETIME = Duration.ofSeconds(60);

    private final Store store;
    private final HmacFingerprint pepper;
    private final Clock clock;

    /** What a code stands for. */
    public record Code(String hash, String clientId, String userId, String redirectUri, Set<String> scope, String nonce,
                       Instant authTime) {
    }

    /** The outcome of redeeming a code. */
    public sealed interface Redemption permits Redeemed, Replayed, Refused {
    }

    public record Redeemed(Code code) implements Redemption {
    }

    /** @param issuedJti the access token the first redemption issued; @param familyId its refresh family */
    public record Replayed(String clientId, String userId, String issuedJti, Instant issuedJtiExp, String familyId)
            implements Redemption {
    }

    /** @param description client-safe; @param reason for audit */
    public record Refused(String description, String reason) implements Redemption {
    }

    public AuthorizationCodes(Store store, HmacFingerprint pepper, Clock clock) {
        this.store = store;
        this.pepper = pepper;
        this.clock = clock;
    }

    /** @return the clear code for the redirect */
    public String create(String clientId, String userId, String redirectUri, Set<String> scope, String nonce,
                         String codeChallenge, Instant authTime) {
        String code = SecureIds.token(32);
        String hash = pepper.of(code);
        Instant now = clock.instant();
        store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO idp_auth_codes (code_hash, client_id, user_id, "
                    + "redirect_uri, scope, nonce, code_challenge, auth_time, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, hash);
                s.setString(2, clientId);
                s.setString(3, userId);
                s.setString(4, redirectUri);
                s.setString(5, Scopes.join(scope));
                s.setString(6, nonce);
                s.setString(7, codeChallenge);
                Rows.setInstant(s, 8, authTime);
                Rows.setInstant(s, 9, now.plus(LIFETIME));
                return s.executeUpdate();
            }
        });
        return code;
    }

    /** Redeems a code at the token endpoint (RFC 6749 §4.1.3, RFC 7636 §4.6). */
    public Redemption redeem(String code, String clientId, String redirectUri, String verifier) {
        if (code == null || code.length() > 128) {
            return new Refused("The authorization code is invalid.", "missing or malformed code");
        }
        String hash = pepper.of(code);
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            Code found;
            String challenge;
            Instant expires;
            Instant consumed;
            String issuedJti;
            Instant issuedExp;
            String family;
            try (PreparedStatement s = c.prepareStatement("SELECT client_id, user_id, redirect_uri, scope, nonce, "
                    + "code_challenge, auth_time, expires_at, consumed_at, issued_jti, issued_jti_exp, issued_family_id "
                    + "FROM idp_auth_codes WHERE code_hash = ? FOR UPDATE")) {
                s.setString(1, hash);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return new Refused("The authorization code is invalid.", "unknown code");
                    }
                    found = new Code(hash, r.getString("client_id"), r.getString("user_id"), r.getString("redirect_uri"),
                            Rows.set(r.getString("scope")), r.getString("nonce"), Rows.instant(r, "auth_time"));
                    challenge = r.getString("code_challenge");
                    expires = Rows.instant(r, "expires_at");
                    consumed = Rows.instant(r, "consumed_at");
                    issuedJti = r.getString("issued_jti");
                    issuedExp = Rows.instant(r, "issued_jti_exp");
                    family = r.getString("issued_family_id");
                }
            }
            if (!found.clientId().equals(clientId)) {
                return new Refused("The authorization code is invalid.", "code issued to another client");
            }
            if (consumed != null) {
                return new Replayed(found.clientId(), found.userId(), issuedJti, issuedExp, family);
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE idp_auth_codes SET consumed_at = ? WHERE code_hash = ?")) {
                Rows.setInstant(s, 1, now);
                s.setString(2, hash);
                s.executeUpdate();
            }
            if (!now.isBefore(expires)) {
                return new Refused("The authorization code has expired.", "code expired");
            }
            if (!found.redirectUri().equals(redirectUri)) {
                return new Refused("redirect_uri does not match the authorization request.", "redirect_uri mismatch");
            }
            if (!Pkce.verifierValid(verifier)) {
                return new Refused("code_verifier is missing or malformed.", "PKCE verifier malformed (RFC 7636 §4.1)");
            }
            if (!ConstantTime.equals(Pkce.s256(verifier), challenge)) {
                return new Refused("code_verifier does not match the code_challenge.", "PKCE mismatch (RFC 7636 §4.6)");
            }
            return new Redeemed(found);
        });
    }

    /** Remembers what a redeemed code issued, for revocation on replay. */
    public void recordIssued(String codeHash, String jti, Instant exp, String familyId) {
        store.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE idp_auth_codes SET issued_jti = ?, issued_jti_exp = ?, "
                    + "issued_family_id = ? WHERE code_hash = ?")) {
                s.setString(1, jti);
                Rows.setInstant(s, 2, exp);
                s.setString(3, familyId);
                s.setString(4, codeHash);
                return s.executeUpdate();
            }
        });
    }

    /** PKCE S256 (RFC 7636 §4.2) and the verifier syntax (§4.1). */
    static final class Pkce {
        private Pkce() {
        }

        static boolean verifierValid(String v) {
            return v != null && v.length() >= 43 && v.length() <= 128 && unreserved(v);
        }

        /** A challenge is the base64url SHA-256 of a verifier: 43 characters. */
        static boolean challengeValid(String c) {
            return c != null && c.length() == 43 && unreserved(c);
        }

        static String s256(String verifier) {
            return TokenService.sha256(verifier.getBytes(StandardCharsets.US_ASCII));
        }

        private static boolean unreserved(String v) {
            for (int i = 0; i < v.length(); i++) {
                char ch = v.charAt(i);
                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'
                        || ch == '.' || ch == '_' || ch == '~')) {
                    return false;
                }
            }
            return true;
        }
    }
}
