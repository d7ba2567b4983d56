package dev.aegis.secrets.internal;

import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.secrets.api.spi.AccessTokens;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A platform's access tokens for the tests: a real ES256 key ring, tokens signed as the identity provider signs
 * them ({@code typ at+jwt}), verified as the server verifies them (signature, type, lifetime, issuer, revocation).
 */
final class TestAccessTokens implements AccessTokens {
    static final String ISSUER = "https://aegis.test";

    private final KeyRing ring;
    private final JwtVerifier verifier;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    TestAccessTokens() {
        CryptoProviders.installPreferred();
        Instant now = Instant.now();
        ring = KeyRing.of(List.of(SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("test-at-1"), now.minusSeconds(60))
                .activate(now.minusSeconds(30))));
        verifier = JwtVerifier.builder().keys(ring).type("at+jwt").build();
    }

    /** A token of this platform for {@code audience}, live for {@code seconds} (negative: already expired). */
    String issue(String subject, String audience, String scope, long seconds) {
        return sign(ring, ISSUER, subject, audience, scope, seconds);
    }

    static String sign(KeyRing keys, String issuer, String subject, String audience, String scope, long seconds) {
        Instant now = Instant.now();
        return new JwtSigner(() -> keys).sign(JwtClaims.builder().issuer(issuer).subject(subject).audience(audience)
                .jwtId(UUID.randomUUID().toString()).issuedAt(now.minusSeconds(Math.max(0, -seconds) + 1))
                .expiresAt(now.plusSeconds(seconds)).claim("scope", scope).build(), "at+jwt");
    }

    /** Revokes a token as the identity provider's revocation event does (by its {@code jti}). */
    void revoke(String token) {
        revoked.add(verify(token).orElseThrow().jwtId().orElseThrow());
    }

    @Override
    public Optional<JwtClaims> verify(String token) {
        if (!(verifier.verify(token) instanceof TokenCheck.Valid v) || !ISSUER.equals(v.claims().issuer().orElse(null))
                || v.claims().jwtId().map(revoked::contains).orElse(true)) {
            return Optional.empty();
        }
        return Optional.of(v.claims());
    }
}
