package dev.aegis.core.api.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of a JWT (RFC 7519 §4): the registered claims {@code iss}, {@code sub}, {@code aud}, {@code exp},
 * {@code nbf}, {@code iat}, {@code jti} as typed accessors, plus private claims. Times are NumericDates, whole
 * seconds (RFC 7519 §2): the builder truncates instants to seconds.
 *
 * <p>Immutable and thread-safe. Getters return {@link Optional} or an empty list, never {@code null}.
 */
public final class JwtClaims {

    /** Registered claim names (RFC 7519 §4.1): set them with the typed builder methods. */
    static final Set<String> REGISTERED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti");

    private final JWTClaimsSet set;

    JwtClaims(JWTClaimsSet set) {
        this.set = set;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return {@code iss} (RFC 7519 §4.1.1) */
    public Optional<String> issuer() {
        return Optional.ofNullable(set.getIssuer());
    }

    /** @return {@code sub} (RFC 7519 §4.1.2) */
    public Optional<String> subject() {
        return Optional.ofNullable(set.getSubject());
    }

    /** @return {@code aud} as a list, a single string becoming one element (RFC 7519 §4.1.3) */
    public List<String> audience() {
        List<String> aud = set.getAudience();
        return aud == null ? List.of() : Collections.unmodifiableList(aud);
    }

    /** @return {@code exp} (RFC 7519 §4.1.4) */
    public Optional<Instant> expiresAt() {
        return instant(set.getExpirationTime());
    }

    /** @return {@code nbf} (RFC 7519 §4.1.5) */
    public Optional<Instant> notBefore() {
        return instant(set.getNotBeforeTime());
    }

    /** @return {@code iat} (RFC 7519 §4.1.6) */
    public Optional<Instant> issuedAt() {
        return instant(set.getIssueTime());
    }

    /** @return {@code jti} (RFC 7519 §4.1.7) */
    public Optional<String> jwtId() {
        return Optional.ofNullable(set.getJWTID());
    }

    /**
     * @param name a claim name
     * @return its JSON value (String, Boolean, Number, List, Map; registered time claims as {@link Date}), if present
     */
    public Optional<Object> claim(String name) {
        return Optional.ofNullable(set.getClaim(Objects.requireNonNull(name, "name")));
    }

    /**
     * @param name a claim name
     * @return the claim if present and a JSON string
     */
    public Optional<String> stringClaim(String name) {
        Object v = set.getClaim(Objects.requireNonNull(name, "name"));
        return v instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** @return all claims as a JSON-ready map (times as epoch seconds), unmodifiable */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(set.toJSONObject());
    }

    JWTClaimsSet claimsSet() {
        return set;
    }

    /** @return claim names only; values may be personal data and are left out */
    @Override
    public String toString() {
        return "JwtClaims" + set.getClaims().keySet();
    }

    private static Optional<Instant> instant(Date d) {
        return d == null ? Optional.empty() : Optional.of(d.toInstant());
    }

    /** Builds {@link JwtClaims}. Not thread-safe; arguments must not be {@code null}. */
    public static final class Builder {

        private final JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();

        private Builder() {
        }

        /** @param issuer {@code iss} @return this */
        public Builder issuer(String issuer) {
            b.issuer(Objects.requireNonNull(issuer, "issuer"));
            return this;
        }

        /** @param subject {@code sub} @return this */
        public Builder subject(String subject) {
            b.subject(Objects.requireNonNull(subject, "subject"));
            return this;
        }

        /** @param audience the single {@code aud} value @return this */
        public Builder audience(String audience) {
            b.audience(Objects.requireNonNull(audience, "audience"));
            return this;
        }

        /** @param audience {@code aud} values @return this */
        public Builder audience(List<String> audience) {
            b.audience(List.copyOf(audience));
            return this;
        }

        /** @param expiresAt {@code exp}, truncated to seconds @return this */
        public Builder expiresAt(Instant expiresAt) {
            b.expirationTime(seconds(expiresAt));
            return this;
        }

        /** @param notBefore {@code nbf}, truncated to seconds @return this */
        public Builder notBefore(Instant notBefore) {
            b.notBeforeTime(seconds(notBefore));
            return this;
        }

        /** @param issuedAt {@code iat}, truncated to seconds @return this */
        public Builder issuedAt(Instant issuedAt) {
            b.issueTime(seconds(issuedAt));
            return this;
        }

        /** @param jwtId {@code jti} @return this */
        public Builder jwtId(String jwtId) {
            b.jwtID(Objects.requireNonNull(jwtId, "jwtId"));
            return this;
        }

        /**
         * @param name  a private or public claim name, not a registered one (use the typed methods)
         * @param value String, Boolean, Number, List or Map of those
         * @return this
         */
        public Builder claim(String name, Object value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (REGISTERED.contains(name)) {
                throw new IllegalArgumentException("set registered claim " + name + " with its typed method");
            }
            if (!(value instanceof String || value instanceof Boolean || value instanceof Number
                    || value instanceof Collection<?> || value instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("claim " + name + " must be a JSON value (String, Boolean, "
                        + "Number, List, Map)");
            }
            b.claim(name, value instanceof Collection<?> c ? List.copyOf(c) : value);
            return this;
        }

        /** @return the claims */
        public JwtClaims build() {
            return new JwtClaims(b.build());
        }

        private static Date seconds(Instant t) {
            return new Date(Objects.requireNonNull(t, "instant").getEpochSecond() * 1000L);
        }
    }
}
