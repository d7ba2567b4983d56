package dev.aegis.identity.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of the identity provider (keys {@code identity.*} of the Aegis configuration).
 *
 * <p>Immutable; validated on construction.
 *
 * @param issuer                   the issuer identifier (OIDC Discovery §3, RFC 8414 §2: https URL without query
 *                                 or fragment); empty to use the listener's base URL
 * @param maxFailuresPerAccount    failed logins per account name per {@code accountWindow} (default 5)
 * @param accountWindow            default 15 minutes
 * @param maxFailuresPerAddress    failed logins per source address per {@code addressWindow} (default 100)
 * @param addressWindow            default 1 hour
 * @param sessionLifetime          browser session lifetime at the identity provider (default 8 hours)
 * @param requireDpopNonce         whether DPoP proofs must carry a server nonce (RFC 9449 §8)
 */
public record IdentitySettings(Optional<String> issuer, int maxFailuresPerAccount, Duration accountWindow,
                               int maxFailuresPerAddress, Duration addressWindow, Duration sessionLifetime,
                               boolean requireDpopNonce) {

    /** Validates. */
    public IdentitySettings {
        Objects.requireNonNull(issuer, "issuer");
        if (issuer.isPresent()) {
            String i = issuer.get();
            if (!(i.startsWith("https://") || i.startsWith("http://")) || i.contains("?") || i.contains("#") || i.endsWith("/")) {
                throw new IllegalArgumentException("identity.issuer must be an http(s) URL without query, fragment or "
                        + "trailing slash");
            }
        }
        if (maxFailuresPerAccount < 1 || maxFailuresPerAddress < 1) {
            throw new IllegalArgumentException("login failure limits must be at least 1");
        }
        positive(accountWindow, "accountWindow");
        positive(addressWindow, "addressWindow");
        positive(sessionLifetime, "sessionLifetime");
    }

    /** @return the defaults of the issue: 5 per account per 15 min, 100 per address per hour */
    public static IdentitySettings defaults() {
        return new IdentitySettings(Optional.empty(), 5, Duration.ofMinutes(15), 100, Duration.ofHours(1),
                Duration.ofHours(8), false);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
