package dev.aegis.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Verified claims keyed by the SHA-256 of the token (DESIGN.md "verify once per token"; as Envoy's jwt_authn):
 * the full signature check runs on the first sight of a token, later requests with the same token reuse the
 * result until its {@code exp}. Bounded: when full, expired entries are swept, and if none were, the cache is
 * emptied (a flood of distinct tokens costs verifications, never memory).
 *
 * <p>Revocation ({@code token.revoked}, subject = {@code jti}): the entry is dropped at once and the {@code jti}
 * is remembered until its {@code exp}, so a revoked token is refused even if verified again. Sender-constrained
 * tokens still check their DPoP proof or certificate on every request: the cache never stores that result.
 *
 * <p>Thread-safe; lookups never lock.
 */
final class ClaimsCache {

    private final int maxEntries;
    private final ConcurrentHashMap<String, VerifiedToken> byHash = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> hashByJti = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> revoked = new ConcurrentHashMap<>();
    private final ReentrantLock sweepLock = new ReentrantLock();

    ClaimsCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    static String hash(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    /** @return the cached token if present, unexpired and not revoked; else {@code null} */
    VerifiedToken get(String tokenHash, long nowMillis) {
        VerifiedToken t = byHash.get(tokenHash);
        if (t == null) {
            return null;
        }
        if (nowMillis >= t.expMillis() || (t.jti() != null && revoked.containsKey(t.jti()))) {
            byHash.remove(tokenHash, t);
            return null;
        }
        return t;
    }

    void put(String tokenHash, VerifiedToken token, long nowMillis) {
        if (byHash.size() >= maxEntries) {
            sweep(nowMillis);
        }
        byHash.put(tokenHash, token);
        if (token.jti() != null) {
            hashByJti.put(token.jti(), tokenHash);
            if (revoked.containsKey(token.jti())) { // revoked while we verified
                byHash.remove(tokenHash);
            }
        }
    }

    boolean isRevoked(String jti) {
        return jti != null && revoked.containsKey(jti);
    }

    /**
     * @param jti       the revoked token's {@code jti}
     * @param expMillis its {@code exp} (how long to remember it); 0 if unknown (then one day)
     */
    void revoke(String jti, long expMillis, long nowMillis) {
        revoked.put(jti, expMillis > 0 ? expMillis : nowMillis + 86_400_000L);
        String h = hashByJti.remove(jti);
        if (h != null) {
            byHash.remove(h);
        }
    }

    int size() {
        return byHash.size();
    }

    void sweep(long nowMillis) {
        if (!sweepLock.tryLock()) {
            return;
        }
        try {
            for (Iterator<Map.Entry<String, VerifiedToken>> it = byHash.entrySet().iterator(); it.hasNext(); ) {
                VerifiedToken t = it.next().getValue();
                if (nowMillis >= t.expMillis()) {
                    it.remove();
                    if (t.jti() != null) {
                        hashByJti.remove(t.jti());
                    }
                }
            }
            revoked.values().removeIf(exp -> exp < nowMillis);
            if (byHash.size() >= maxEntries) {
                byHash.clear();
                hashByJti.clear();
            }
        } finally {
            sweepLock.unlock();
        }
    }
}
