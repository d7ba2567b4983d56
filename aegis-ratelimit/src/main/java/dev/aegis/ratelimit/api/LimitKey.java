package dev.aegis.ratelimit.api;

import java.util.Objects;

/**
 * The subject of one counter: a scope and the value it is counted by ({@code LimitKey.of(SOURCE, "10.0.0.7")}).
 * {@link LimitScope#GLOBAL} has the single value {@code "*"}.
 *
 * @param scope what is counted by
 * @param value the subject within the scope, 1..256 characters
 */
public record LimitKey(LimitScope scope, String value) {

    /** Validates. */
    public LimitKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > 256) {
            throw new IllegalArgumentException("a limit key value must have 1..256 characters");
        }
    }

    /** @return a key of {@code scope} for {@code value} */
    public static LimitKey of(LimitScope scope, String value) {
        return new LimitKey(scope, value);
    }

    /** @return the one global key */
    public static LimitKey global() {
        return new LimitKey(LimitScope.GLOBAL, "*");
    }

    /** @return {@code prefix ":" value}, the counter key given to a {@link RateLimiter} */
    public String asString() {
        return scope.prefix() + ':' + value;
    }
}
