package dev.aegis.sdk.api.token;

import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.core.api.jwt.TokenError;
import dev.aegis.core.api.keys.VerificationKeySource;
import dev.aegis.sdk.api.events.EventFeed;
import dev.aegis.sdk.api.events.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies access tokens at a service, at every hop (zero trust): signature against the issuer's keys, the
 * RFC 8725 rules of aegis-core's {@link JwtVerifier}, {@code iss}, {@code aud}, {@code typ: at+jwt}
 * (RFC 9068 §4), a {@code jti}, and revocation.
 *
 * <p><b>Verify once per token, not once per request</b> (DESIGN.md): after the first full verification the
 * claims are kept in a bounded cache keyed by the token's SHA-256 until its {@code exp}; a {@code token.revoked}
 * event from the platform event stream drops the entry at once and refuses the {@code jti} from then on. Tokens
 * bound to a sender ({@code cnf}) are accepted only through a path that checks the binding on every request,
 * never from the cache alone: {@link #verify} refuses them.
 *
 * <p>Thread-safe; the hit path is a hash, one map lookup and a clock read.
 */
public final class AccessTokenVerifier {
    /** RFC 9068 §2.1 {@code typ}. */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";
    static final int DEFAULT_CACHE_ENTRIES = 100_000;

    private final JwtVerifier jwt;
    private final Clock clock;
    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
    /** Revoked jti → its exp; entries go once the token would have expired anyway. */
    private final ConcurrentHashMap<String, Instant> revoked = new ConcurrentHashMap<>();

    private record Entry(AccessToken token, boolean senderConstrained) {
    }

    private AccessTokenVerifier(JwtVerifier jwt, Clock clock, int maxEntries) {
        this.jwt = jwt;
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    /**
     * @param issuer   the expected {@code iss}, e.g. {@code https://aegis.internal:8443}
     * @param audience this service's audience, e.g. {@code orders}
     * @param keys     the issuer's keys, typically {@link RemoteJwks#fetch}
     * @param clock    time source
     */
    public static AccessTokenVerifier create(String issuer, String audience, VerificationKeySource keys, Clock clock) {
        JwtVerifier jwt = JwtVerifier.builder().keys(keys).issuer(issuer).audience(audience)
                .type(ACCESS_TOKEN_TYPE).clock(clock).build();
        return new AccessTokenVerifier(jwt, Objects.requireNonNull(clock, "clock"), DEFAULT_CACHE_ENTRIES);
    }

    /**
     * Follows {@code token.revoked} on {@code feed}: every revoked {@code jti} is refused from the moment its event
     * arrives. Subscribe the feed to (at least) the {@code token.revoked} topic.
     *
     * @return this
     */
    public AccessTokenVerifier followRevocations(EventFeed feed) {
        feed.addListener(this::onEvent);
        return this;
    }

    /**
     * Verifies a bearer token that is not sender-constrained.
     *
     * @param token the compact JWS from {@code Authorization: Bearer}
     * @return {@link AccessTokenCheck.Accepted} or {@link AccessTokenCheck.Refused}
     */
    public AccessTokenCheck verify(String token) {
        AccessTokenCheck check = verifyAnyBinding(token);
        if (check instanceof AccessTokenCheck.Accepted a && isSenderConstrained(a.token())) {
            return new AccessTokenCheck.Refused(TokenError.MISSING_CLAIM,
                    "sender-constrained token (cnf) presented without its proof of possession");
        }
        return check;
    }

    /**
     * Verifies a token whatever its binding; the caller must then check the {@code cnf} binding itself (the DPoP
     * proof of RFC 9449 or the client certificate of RFC 8705) for every request.
     */
    public AccessTokenCheck verifyAnyBinding(String token) {
        if (token == null || token.isEmpty()) {
            return new AccessTokenCheck.Refused(TokenError.MALFORMED, "no token");
        }
        String key = cacheKey(token);
        Entry hit = cache.get(key);
        Instant now = clock.instant();
        if (hit != null) {
            if (!now.isBefore(hit.token().expiresAt().plus(JwtVerifier.MAX_CLOCK_SKEW))) {
                cache.remove(key, hit);
                return verifyFully(token, key, now); // the full check names EXPIRED with the skew rule
            }
            if (revoked.containsKey(hit.token().jwtId())) {
                cache.remove(key, hit);
                return new AccessTokenCheck.Refused(TokenError.REVOKED, "jti " + hit.token().jwtId() + " was revoked");
            }
            return new AccessTokenCheck.Accepted(hit.token());
        }
        return verifyFully(token, key, now);
    }

    private AccessTokenCheck verifyFully(String token, String key, Instant now) {
        TokenCheck check = jwt.verify(token);
        return switch (check) {
            case TokenCheck.Rejected r -> new AccessTokenCheck.Refused(r.error(), r.detail());
            case TokenCheck.Valid v -> {
                Optional<String> jti = v.claims().jwtId();
                if (jti.isEmpty() || jti.get().isEmpty()) {
                    yield new AccessTokenCheck.Refused(TokenError.MISSING_CLAIM, "no jti (RFC 9068 §2.2)");
                }
                if (revoked.containsKey(jti.get())) {
                    yield new AccessTokenCheck.Refused(TokenError.REVOKED, "jti " + jti.get() + " was revoked");
                }
                AccessToken accepted = new AccessToken(v.claims(), jti.get(), v.claims().expiresAt().orElseThrow());
                remember(key, new Entry(accepted, isSenderConstrained(accepted)), now);
                yield new AccessTokenCheck.Accepted(accepted);
            }
        };
    }

    /** Revokes a {@code jti} locally (what a {@code token.revoked} event does). */
    public void revoke(String jti, Instant expiresAt) {
        revoked.put(Objects.requireNonNull(jti, "jti"), Objects.requireNonNull(expiresAt, "expiresAt"));
        cache.values().removeIf(e -> e.token().jwtId().equals(jti));
    }

    /** @return how many verified tokens are cached now */
    public int cachedTokens() {
        return cache.size();
    }

    private void onEvent(StreamEvent event) {
        if (!StreamEvent.TOKEN_REVOKED.equals(event.topic())) {
            return;
        }
        Instant exp;
        try {
            exp = Instant.ofEpochSecond(Long.parseLong(event.attributes().getOrDefault("exp", "0")));
        } catch (NumberFormatException e) {
            exp = Instant.MAX; // unknown expiry: keep refusing it
        }
        revoke(event.subject(), exp.equals(Instant.EPOCH) ? Instant.MAX : exp);
    }

    private void remember(String key, Entry entry, Instant now) {
        if (cache.size() >= maxEntries) {
            sweep(now);
            if (cache.size() >= maxEntries) {
                return; // full of live tokens: verify this one again next time rather than grow
            }
        }
        cache.put(key, entry);
    }

    private void sweep(Instant now) {
        for (Iterator<Map.Entry<String, Entry>> it = cache.entrySet().iterator(); it.hasNext(); ) {
            if (!now.isBefore(it.next().getValue().token().expiresAt())) {
                it.remove();
            }
        }
        revoked.values().removeIf(exp -> exp.plus(JwtVerifier.MAX_CLOCK_SKEW).isBefore(now));
    }

    private static boolean isSenderConstrained(AccessToken token) {
        return token.dpopThumbprint().isPresent() || token.certificateThumbprint().isPresent();
    }

    private static String cacheKey(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
