package dev.aegis.identity.internal;

import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.core.api.keys.KeyRing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Issues and verifies the identity provider's JWTs: access tokens per RFC 9068 ({@code typ: at+jwt}) and ID
 * tokens per OpenID Connect Core §2, signed by the ACTIVE key of the {@code tokens} ring (ES256 by default)
 * through the foundation's {@link JwtSigner}, and verified by the foundation's {@link JwtVerifier} (RFC 8725)
 * plus the revocation list.
 *
 * <p>Thread-safe. The issuer is fixed once the listener knows its address ({@link #issuer(String)}).
 */
public final class TokenService {

    /** RFC 9068 §2.1. */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";
    static final String ID_TOKEN_TYPE = "JWT";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Supplier<KeyRing> ring;
    private final JwtSigner signer;
    private final RevocationList revocations;
    private final Clock clock;
    private final java.time.Duration maxLifetime;
    private volatile String issuer;
    private volatile JwtVerifier accessVerifier;

    /** What an access token says (RFC 9068 §2.2). Nullable components are omitted from the token. */
    public record AccessGrant(String subject, String clientId, Set<String> scope, List<String> audience,
                              java.time.Duration ttl, Instant authTime, String cnfJkt, String cnfX5t,
                              Map<String, Object> act, UserRecord user) {
    }

    /** An issued access token with what the response and audit need. */
    public record Issued(String token, String jti, Instant expiresAt, long expiresIn) {
    }

    /** The outcome of checking an access token. */
    public sealed interface Check permits Active, Inactive {
    }

    /** @param claims verified, unexpired, unrevoked */
    public record Active(JwtClaims claims) implements Check {
    }

    /** @param reason for logs and audit only; clients see {@code invalid_token} or {@code active:false} */
    public record Inactive(String reason) implements Check {
    }

    /**
     * @param maxLifetime the longest lifetime any token may have: the key ring keeps a retired key verifiable for
     *                    this long ({@code keys.max-token-lifetime}), so a longer token would outlive its key
     */
    public TokenService(Supplier<KeyRing> ring, RevocationList revocations, Clock clock, java.time.Duration maxLifetime) {
        this.maxLifetime = maxLifetime;
        this.ring = ring;
        this.signer = new JwtSigner(ring);
        this.revocations = revocations;
        this.clock = clock;
    }

    /** Fixes the issuer identifier (OIDC Discovery §3: the base URL) and builds the verifier for it. */
    public void issuer(String issuer) {
        this.issuer = issuer;
        this.accessVerifier = JwtVerifier.builder().keys(kid -> ring.get().find(kid)).type(ACCESS_TOKEN_TYPE)
                .issuer(issuer).clock(clock).clockSkew(java.time.Duration.ofSeconds(30)).build();
    }

    /** @return the issuer identifier */
    public String issuer() {
        return issuer;
    }

    /** @return a signed access token */
    public Issued issueAccessToken(AccessGrant grant) {
        Instant now = clock.instant();
        Instant exp = now.plus(grant.ttl().compareTo(maxLifetime) > 0 ? maxLifetime : grant.ttl());
        String jti = SecureIds.newId();
        JwtClaims.Builder b = JwtClaims.builder().issuer(issuer).subject(grant.subject()).audience(grant.audience())
                .issuedAt(now).notBefore(now).expiresAt(exp).jwtId(jti).claim("client_id", grant.clientId());
        if (!grant.scope().isEmpty()) {
            b.claim("scope", Scopes.join(grant.scope()));
        }
        if (grant.authTime() != null) {
            b.claim("auth_time", grant.authTime().getEpochSecond());
        }
        if (grant.cnfJkt() != null || grant.cnfX5t() != null) {
            Map<String, Object> cnf = new LinkedHashMap<>();
            if (grant.cnfJkt() != null) {
                cnf.put("jkt", grant.cnfJkt()); // RFC 9449 §6.1
            }
            if (grant.cnfX5t() != null) {
                cnf.put("x5t#S256", grant.cnfX5t()); // RFC 8705 §3.1
            }
            b.claim("cnf", cnf);
        }
        if (grant.act() != null) {
            b.claim("act", grant.act()); // RFC 8693 §4.1
        }
        if (grant.user() != null) {
            UserRecord u = grant.user();
            if (!u.roles().isEmpty()) {
                b.claim("roles", List.copyOf(u.roles())); // RFC 9068 §2.2.3.1
            }
            if (!u.groups().isEmpty()) {
                b.claim("groups", u.groups());
            }
        }
        String token = signer.sign(b.build(), ACCESS_TOKEN_TYPE);
        return new Issued(token, jti, exp, exp.getEpochSecond() - now.getEpochSecond());
    }

    /**
     * An ID token (OIDC Core §2, §3.1.3.6 {@code at_hash}).
     *
     * @param nonce may be {@code null}
     */
    public String issueIdToken(UserRecord user, String clientId, Instant authTime, String nonce, String accessToken,
                               Set<String> scope, java.time.Duration ttl) {
        Instant now = clock.instant();
        JwtClaims.Builder b = JwtClaims.builder().issuer(issuer).subject(user.userId()).audience(clientId)
                .issuedAt(now).expiresAt(now.plus(ttl)).jwtId(SecureIds.newId())
                .claim("auth_time", authTime.getEpochSecond()).claim("azp", clientId);
        if (nonce != null) {
            b.claim("nonce", nonce);
        }
        if (accessToken != null) {
            b.claim("at_hash", leftHalfHash(accessToken));
        }
        UserInfoClaims.add(user, scope, b);
        return signer.sign(b.build(), ID_TOKEN_TYPE);
    }

    /** @return a signed logout or other auxiliary token is not needed; access token check follows */
    public Check checkAccessToken(String token) {
        JwtVerifier v = accessVerifier;
        if (v == null) {
            return new Inactive("issuer not yet known");
        }
        TokenCheck check = v.verify(token);
        return switch (check) {
            case TokenCheck.Rejected r -> new Inactive(r.error().name());
            case TokenCheck.Valid valid -> {
                String jti = valid.claims().jwtId().orElse(null);
                if (jti == null) {
                    yield new Inactive("no jti");
                }
                yield revocations.isRevoked(jti) ? new Inactive("REVOKED") : new Active(valid.claims());
            }
        };
    }

    /** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the ASCII token. */
    static String leftHalfHash(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return B64.encodeToString(Arrays.copyOf(d, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** @return base64url SHA-256 (RFC 8705 §3.1 x5t#S256, RFC 9449 §6.1 ath) */
    static String sha256(byte[] data) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
