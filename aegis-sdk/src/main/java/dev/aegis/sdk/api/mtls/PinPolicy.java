package dev.aegis.sdk.api.mtls;

import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A signed pin policy for one scope (a trust domain, written as its SPIFFE ID {@code spiffe://td}, or one
 * workload's SPIFFE ID): the SHA-256 hashes of SubjectPublicKeyInfo (base64, as HPKP RFC 7469 §2.4) of which at
 * least one must appear in a peer's validated chain, always with at least one backup pin that is not a primary
 * pin (RFC 7469 §4.3), a version (a lower one never replaces a higher one) and an expiry. An <em>unpin</em>
 * policy ({@code disabled}) turns pinning off for the scope until it expires.
 *
 * <p>Policies travel as JWS ({@code typ} {@value #TYPE}) signed by the CA's pin-policy key; {@link #parseSigned}
 * verifies the signature before reading anything.
 *
 * <p>Immutable; components are never {@code null}.
 */
public record PinPolicy(SpiffeId scope, long version, Set<String> pins, Set<String> backupPins, Instant expiresAt,
                        boolean disabled) {

    /** The JWS {@code typ} of a pin policy. */
    public static final String TYPE = "aegis-pin-policy+jwt";

    /** Validates and copies. */
    public PinPolicy {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(expiresAt, "expiresAt");
        pins = Set.copyOf(pins);
        backupPins = Set.copyOf(backupPins);
        if (version < 1) {
            throw new IllegalArgumentException("a pin policy version starts at 1");
        }
        if (!disabled) {
            if (pins.isEmpty()) {
                throw new IllegalArgumentException("a pin policy needs at least one pin");
            }
            if (backupPins.isEmpty()) {
                throw new IllegalArgumentException("a pin policy needs a backup pin (RFC 7469 §4.3)");
            }
            for (String b : backupPins) {
                if (pins.contains(b)) {
                    throw new IllegalArgumentException("a backup pin must differ from every primary pin (RFC 7469 §4.3)");
                }
            }
        }
        for (String p : pins) {
            checkPin(p);
        }
        for (String p : backupPins) {
            checkPin(p);
        }
    }

    private static void checkPin(String pin) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(pin);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a pin is the base64 SHA-256 of a SubjectPublicKeyInfo");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("a pin is the base64 SHA-256 of a SubjectPublicKeyInfo");
        }
    }

    /** @return the pin (base64 SHA-256 of the SubjectPublicKeyInfo) of a certificate's key */
    public static String pinOf(X509Certificate cert) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** @return whether the policy is in force at {@code now} */
    public boolean inForce(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** @return whether one of {@code chain}'s keys matches a primary or backup pin */
    public boolean matchesAny(List<X509Certificate> chain) {
        for (int i = 0; i < chain.size(); i++) {
            String pin = pinOf(chain.get(i));
            if (pins.contains(pin) || backupPins.contains(pin)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param jws      a compact JWS
     * @param verifier a verifier with the CA's pin-policy keys and {@code typ} {@value #TYPE}
     * @return the policy
     * @throws IllegalArgumentException when the signature or a claim is bad
     */
    public static PinPolicy parseSigned(String jws, JwtVerifier verifier) {
        TokenCheck check = verifier.verify(jws);
        return switch (check) {
            case TokenCheck.Rejected r -> throw new IllegalArgumentException("pin policy rejected: " + r.error() + " " + r.detail());
            case TokenCheck.Valid v -> fromClaims(v.claims());
        };
    }

    private static PinPolicy fromClaims(JwtClaims claims) {
        SpiffeId scope = SpiffeId.parse(claims.subject().orElseThrow(() -> new IllegalArgumentException("pin policy without sub")));
        long version = claims.claim("ver").filter(Number.class::isInstance).map(n -> ((Number) n).longValue())
                .orElseThrow(() -> new IllegalArgumentException("pin policy without ver"));
        boolean disabled = Boolean.TRUE.equals(claims.claim("unpin").orElse(Boolean.FALSE));
        return new PinPolicy(scope, version, strings(claims, "pins"), strings(claims, "backup_pins"),
                claims.expiresAt().orElseThrow(), disabled);
    }

    private static Set<String> strings(JwtClaims claims, String name) {
        Object value = claims.claim(name).orElse(List.of());
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                out.add(String.valueOf(o));
            }
        }
        return Set.copyOf(out);
    }
}
