package dev.aegis.gateway.internal;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.sdk.api.token.RemoteJwks;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JWT bearer authentication for the gateway across several issuers: picks the issuer by the token's
 * {@code iss} (only to choose keys; the claim is then verified), verifies with the foundation's
 * {@link JwtVerifier} (every RFC 8725 rule, algorithm allowlist, {@code iss}/{@code aud}/{@code exp}/{@code nbf})
 * over the issuer's keys (the SDK's {@link RemoteJwks}, from discovery or a JWKS URI, as every service fetches
 * them), and caches the result ({@link ClaimsCache}).
 *
 * <p>Thread-safe. The verifiers are built once per configuration; a reload builds a new authenticator but
 * keeps the same cache and revocation list.
 */
final class JwtAuthenticator {

    /** The outcome: verified, or the reason (for audit; clients see only invalid_token). */
    sealed interface Result {
        record Verified(VerifiedToken token) implements Result {
        }

        record Refused(String reason) implements Result {
        }
    }

    private record Issuer(String name, String iss, RemoteJwks keys, JwtVerifier verifier) {
    }

    private final Map<String, Issuer> byIss;
    private final Map<String, Issuer> byName;
    private final ClaimsCache cache;
    private final Clock clock;

    JwtAuthenticator(List<GatewayConfig.Issuer> issuers, Map<String, RemoteJwks> previousKeys, HttpClient http,
                     ClaimsCache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
        Map<String, Issuer> iss = new HashMap<>();
        Map<String, Issuer> names = new HashMap<>();
        for (GatewayConfig.Issuer c : issuers) {
            RemoteJwks keys = previousKeys.get(c.name() + '|' + c.issuer() + '|' + c.discovery() + '|' + c.jwksUri());
            if (keys == null) {
                keys = c.jwksUri() != null ? RemoteJwks.lazy(http, c.jwksUri(), c.refreshMinInterval())
                        : RemoteJwks.discover(http, c.issuer(), c.discovery(), c.refreshMinInterval());
            }
            JwtVerifier.Builder b = JwtVerifier.builder().keys(keys).issuer(c.issuer())
                    .allowedAlgorithms(c.algorithms()).clockSkew(c.clockSkew()).clock(clock);
            if (c.audience() != null) {
                b.audience(c.audience());
            }
            Issuer issuer = new Issuer(c.name(), c.issuer(), keys, b.build());
            iss.put(c.issuer(), issuer);
            names.put(c.name(), issuer);
        }
        this.byIss = Map.copyOf(iss);
        this.byName = Map.copyOf(names);
    }

    /** @return the key sources by identity, so a reload can keep already fetched JWKS */
    Map<String, RemoteJwks> keySources(List<GatewayConfig.Issuer> issuers) {
        Map<String, RemoteJwks> out = new HashMap<>();
        for (GatewayConfig.Issuer c : issuers) {
            Issuer i = byName.get(c.name());
            if (i != null) {
                out.put(c.name() + '|' + c.issuer() + '|' + c.discovery() + '|' + c.jwksUri(), i.keys());
            }
        }
        return out;
    }

    /** Loads every issuer's keys now (start-up and reload), so the first request does not pay for it. */
    void preload() {
        for (Issuer i : byName.values()) {
            if (i.keys().size() == 0) {
                i.keys().refresh();
            }
        }
    }

    /**
     * @param token         the bearer token
     * @param allowed       issuer names the route accepts (empty: all)
     * @return verified or refused
     */
    Result authenticate(String token, List<String> allowed) {
        long now = clock.millis();
        String hash = ClaimsCache.hash(token);
        VerifiedToken cached = cache.get(hash, now);
        if (cached != null) {
            return accepts(allowed, cached.issuerName()) ? new Result.Verified(cached)
                    : new Result.Refused("issuer not accepted on this route");
        }
        String iss = unverifiedIssuer(token);
        Issuer issuer = iss == null ? null : byIss.get(iss);
        if (issuer == null) {
            return new Result.Refused("unknown or missing issuer");
        }
        if (!accepts(allowed, issuer.name())) {
            return new Result.Refused("issuer not accepted on this route");
        }
        TokenCheck check = issuer.verifier().verify(token);
        return switch (check) {
            case TokenCheck.Rejected r -> new Result.Refused(r.error().name() + ": " + r.detail());
            case TokenCheck.Valid v -> {
                VerifiedToken t = toVerified(issuer.name(), v.claims());
                if (cache.isRevoked(t.jti())) {
                    yield new Result.Refused("REVOKED: jti revoked by the issuer");
                }
                cache.put(hash, t, now);
                yield new Result.Verified(t);
            }
        };
    }

    private static boolean accepts(List<String> allowed, String name) {
        if (allowed.isEmpty()) {
            return true;
        }
        for (int i = 0; i < allowed.size(); i++) {
            if (allowed.get(i).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Reads {@code iss} from the payload without trusting it: it only selects the keys to verify with. */
    private static String unverifiedIssuer(String token) {
        int d1 = token.indexOf('.');
        int d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
        if (d1 <= 0 || d2 < 0 || d2 - d1 > 16 * 1024) {
            return null;
        }
        try {
            Object iss = JSONObjectUtils.parse(new Base64URL(token.substring(d1 + 1, d2)).decodeToString()).get("iss");
            return iss instanceof String s ? s : null;
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    static VerifiedToken toVerified(String issuerName, JwtClaims claims) {
        long exp = claims.expiresAt().orElseThrow().toEpochMilli();
        String client = claims.stringClaim("client_id").orElse(claims.stringClaim("azp").orElse(null));
        Set<String> scopes = new HashSet<>();
        claims.stringClaim("scope").ifPresent(s -> {
            for (String part : s.split(" ")) {
                if (!part.isEmpty()) {
                    scopes.add(part);
                }
            }
        });
        claims.claim("scp").ifPresent(v -> addAll(scopes, v));
        Set<String> roles = new HashSet<>();
        claims.claim("roles").ifPresent(v -> addAll(roles, v));
        claims.claim("realm_access").ifPresent(v -> {
            if (v instanceof Map<?, ?> m && m.get("roles") != null) {
                addAll(roles, m.get("roles"));
            }
        });
        String jkt = null;
        String x5t = null;
        if (claims.claim("cnf").orElse(null) instanceof Map<?, ?> cnf) {
            jkt = cnf.get("jkt") instanceof String s ? s : null;
            x5t = cnf.get("x5t#S256") instanceof String s ? s : null;
        }
        return new VerifiedToken(issuerName, claims, exp, claims.subject().orElse(""), claims.jwtId().orElse(null),
                client, Set.copyOf(scopes), Set.copyOf(roles), jkt, x5t);
    }

    private static void addAll(Set<String> into, Object value) {
        if (value instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s) {
                    into.add(s);
                }
            }
        } else if (value instanceof String s) {
            into.add(s);
        }
    }
}
