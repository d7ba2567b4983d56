package dev.aegis.core.api.keys;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link KeyRotation} creates, activates, retires and destroys signing keys. A successor is published
 * {@code publishAhead} before it signs (so verifiers that cache the JWKS for less than that always know it, cf.
 * OpenID Connect Core §10.1.1 on key rollover); a retired key stays published for {@code maxTokenLifetime +
 * clockSkew} so every token it signed expires before the key disappears.
 *
 * <p>Immutable and thread-safe; components are never {@code null}.
 *
 * @param algorithm        algorithm of new keys
 * @param rotationPeriod   how long a key signs, &gt; publishAhead
 * @param publishAhead     how long a successor is published before it signs, &gt; 0
 * @param maxTokenLifetime longest lifetime ({@code exp - iat}) of any token signed with the ring, &gt; 0
 * @param clockSkew        clock skew verifiers allow, 0..5 minutes
 */
public record RotationPolicy(SigningAlgorithm algorithm, Duration rotationPeriod, Duration publishAhead,
                             Duration maxTokenLifetime, Duration clockSkew) {

    /** Largest accepted clock skew (matches {@code JwtVerifier}). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    /** Validates. */
    public RotationPolicy {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(rotationPeriod, "rotationPeriod");
        Objects.requireNonNull(publishAhead, "publishAhead");
        Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (publishAhead.isNegative() || publishAhead.isZero()) {
            throw new IllegalArgumentException("publishAhead must be positive");
        }
        if (rotationPeriod.compareTo(publishAhead) <= 0) {
            throw new IllegalArgumentException("rotationPeriod must be longer than publishAhead");
        }
        if (maxTokenLifetime.isNegative() || maxTokenLifetime.isZero()) {
            throw new IllegalArgumentException("maxTokenLifetime must be positive");
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("clockSkew must be within 0..5 minutes");
        }
    }

    /** @return ES256, rotate every 30 days, publish 1 day ahead, tokens live at most 1 day, 60 s skew */
    public static RotationPolicy defaults() {
        return new RotationPolicy(SigningAlgorithm.ES256, Duration.ofDays(30), Duration.ofDays(1),
                Duration.ofDays(1), Duration.ofSeconds(60));
    }

    /** @return how long after retirement a key is destroyed: {@code maxTokenLifetime + clockSkew} */
    public Duration retentionAfterRetirement() {
        return maxTokenLifetime.plus(clockSkew);
    }
}
