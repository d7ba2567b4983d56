package dev.aegis.pki.api;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an administrator registers for a workload: its SPIFFE ID, the DNS names its SVID may carry, the SVID
 * lifetime and free-form metadata (owner, team...). Validated here, once: DNS names are LDH labels (RFC 1123
 * §2.1, at most 253 characters, at most 32 names), the TTL is between 1 minute and 24 hours, metadata has at
 * most 32 entries of at most 256 characters.
 *
 * <p>Immutable.
 */
public record WorkloadRegistration(SpiffeId spiffeId, List<String> dnsNames, Duration ttl, Map<String, String> metadata) {

    /** Shortest SVID lifetime. */
    public static final Duration MIN_TTL = Duration.ofMinutes(1);
    /** Longest SVID lifetime. */
    public static final Duration MAX_TTL = Duration.ofHours(24);

    /** Validates and copies. */
    public WorkloadRegistration {
        Objects.requireNonNull(spiffeId, "spiffeId");
        Objects.requireNonNull(ttl, "ttl");
        dnsNames = List.copyOf(dnsNames);
        metadata = Map.copyOf(metadata);
        if (spiffeId.path().isEmpty()) {
            throw new IllegalArgumentException("a workload's SPIFFE ID must have a path (X509-SVID §2)");
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1m and 24h");
        }
        if (dnsNames.size() > 32) {
            throw new IllegalArgumentException("at most 32 DNS names");
        }
        for (String d : dnsNames) {
            if (!isDnsName(d)) {
                throw new IllegalArgumentException("DNS names are lower-case LDH labels separated by dots (RFC 1123 §2.1)");
            }
        }
        if (metadata.size() > 32) {
            throw new IllegalArgumentException("at most 32 metadata entries");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 64 || e.getValue().length() > 256) {
                throw new IllegalArgumentException("metadata keys are 1..64 characters, values at most 256");
            }
        }
    }

    static boolean isDnsName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        int label = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (label == 0 || name.charAt(i - 1) == '-') {
                    return false;
                }
                label = 0;
                continue;
            }
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && label > 0);
            if (!ok || ++label > 63) {
                return false;
            }
        }
        return label > 0 && name.charAt(name.length() - 1) != '-';
    }
}
