package dev.aegis.audit.api;

import dev.aegis.core.api.crypto.SecureIds;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One security-relevant fact: who ({@code actor}) did what ({@code action}) to whom or what ({@code subject},
 * {@code resource}), with which outcome ({@code decision}) and why ({@code reason}).
 *
 * <p>Immutable and thread-safe; an invalid event cannot be built. Every string is bounded and may contain no
 * control character (C0, DEL, C1) and no unpaired surrogate, so an event cannot forge log lines and its UTF-8
 * encoding is exact (see the canonical encoding in {@code dev.aegis.audit.internal.CanonicalAuditEncoding}).
 * {@code time} is truncated to microseconds, the precision of an SQL {@code TIMESTAMP}, so a record read back
 * from the database hashes exactly as written. {@code details} is copied into an unmodifiable map sorted by key.
 *
 * <p><b>No secret values.</b> Never put a password, token, key or client secret in any field; put
 * {@link AuditLog#fingerprint(String)} of it instead.
 *
 * <p>Nullability: {@code eventId}, {@code time}, {@code action}, {@code decision} and {@code details} are
 * never {@code null}; the other components may be {@code null} (unknown or not applicable).
 *
 * @param eventId       unique id, 1..64 characters of {@code [A-Za-z0-9._-]}
 * @param time          when the fact happened (microsecond precision)
 * @param actor         who acted: a user, client or workload id (≤ 256 chars)
 * @param subject       on whose behalf, or whom it concerns (≤ 256 chars)
 * @param action        dotted verb such as {@code token.issue} (1..128 chars)
 * @param resource      what was acted upon (≤ 1024 chars)
 * @param decision      the outcome
 * @param reason        machine-friendly reason, e.g. {@code invalid_grant} (≤ 1024 chars)
 * @param requestId     correlation id of the request (≤ 128 chars)
 * @param sourceAddress client IP address as seen by the service (≤ 128 chars)
 * @param service       the Aegis component or workload that recorded it (≤ 128 chars)
 * @param details       at most 32 extra key/value pairs (keys 1..64 chars, values ≤ 1024 chars)
 */
public record AuditEvent(String eventId, Instant time, String actor, String subject, String action,
                         String resource, AuditDecision decision, String reason, String requestId,
                         String sourceAddress, String service, Map<String, String> details) {

    static final int MAX_DETAILS = 32;

    /** Validates every component, truncates {@code time} to microseconds and copies {@code details}. */
    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        if (eventId.isEmpty() || eventId.length() > 64 || !isIdChars(eventId)) {
            throw new IllegalArgumentException("eventId must be 1..64 characters of [A-Za-z0-9._-]");
        }
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        Objects.requireNonNull(action, "action");
        if (action.isEmpty()) {
            throw new IllegalArgumentException("action must not be empty");
        }
        Objects.requireNonNull(decision, "decision");
        checkText("actor", actor, 256);
        checkText("subject", subject, 256);
        checkText("action", action, 128);
        checkText("resource", resource, 1024);
        checkText("reason", reason, 1024);
        checkText("requestId", requestId, 128);
        checkText("sourceAddress", sourceAddress, 128);
        checkText("service", service, 128);
        details = copyDetails(Objects.requireNonNull(details, "details"));
    }

    /**
     * Starts an event for {@code action}, with a fresh random {@code eventId}, {@code time} = now and
     * {@code decision} = {@link AuditDecision#INFO} unless set.
     *
     * @param action dotted verb such as {@code token.issue}
     * @return a new builder; not thread-safe
     */
    public static Builder builder(String action) {
        return new Builder(action);
    }

    private static Map<String, String> copyDetails(Map<String, String> details) {
        if (details.size() > MAX_DETAILS) {
            throw new IllegalArgumentException("at most " + MAX_DETAILS + " details");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : details.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "details key");
            String value = Objects.requireNonNull(e.getValue(), "details value");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("details key must not be empty");
            }
            checkText("details key", key, 64);
            checkText("details value", value, 1024);
            copy.put(key, value);
        }
        return Collections.unmodifiableMap(copy);
    }

    private static boolean isIdChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Bounds the length and refuses control characters and unpaired surrogates (which UTF-8 cannot encode). */
    private static void checkText(String field, String value, int maxChars) {
        if (value == null) {
            return;
        }
        if (value.length() > maxChars) {
            throw new IllegalArgumentException(field + " is longer than " + maxChars + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(field + " contains a control character");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " contains an unpaired surrogate");
            }
        }
    }

    /** Mutable builder for {@link AuditEvent}; not thread-safe. {@link #build()} validates. */
    public static final class Builder {
        private String eventId = SecureIds.newId();
        private Instant time;
        private String actor;
        private String subject;
        private final String action;
        private String resource;
        private AuditDecision decision = AuditDecision.INFO;
        private String reason;
        private String requestId;
        private String sourceAddress;
        private String service;
        private final TreeMap<String, String> details = new TreeMap<>();

        private Builder(String action) {
            this.action = action;
        }

        /** @param value replaces the random event id @return this */
        public Builder eventId(String value) { this.eventId = value; return this; }
        /** @param value when it happened; default: {@link Instant#now()} at {@link #build()} @return this */
        public Builder time(Instant value) { this.time = value; return this; }
        /** @param value who acted @return this */
        public Builder actor(String value) { this.actor = value; return this; }
        /** @param value on whose behalf, or whom it concerns @return this */
        public Builder subject(String value) { this.subject = value; return this; }
        /** @param value what was acted upon @return this */
        public Builder resource(String value) { this.resource = value; return this; }
        /** @param value the outcome @return this */
        public Builder decision(AuditDecision value) { this.decision = value; return this; }
        /** @param value machine-friendly reason @return this */
        public Builder reason(String value) { this.reason = value; return this; }
        /** @param value correlation id @return this */
        public Builder requestId(String value) { this.requestId = value; return this; }
        /** @param value client IP address @return this */
        public Builder sourceAddress(String value) { this.sourceAddress = value; return this; }
        /** @param value recording component @return this */
        public Builder service(String value) { this.service = value; return this; }

        /**
         * Adds one detail; never a secret value (use {@link AuditLog#fingerprint(String)}).
         *
         * @param key   1..64 chars
         * @param value ≤ 1024 chars
         * @return this
         */
        public Builder detail(String key, String value) {
            details.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @return the validated event
         * @throws IllegalArgumentException if a component is out of bounds
         */
        public AuditEvent build() {
            Instant at = time != null ? time : Instant.now();
            return new AuditEvent(eventId, at, actor, subject, action, resource, decision, reason, requestId,
                    sourceAddress, service, details);
        }
    }
}
