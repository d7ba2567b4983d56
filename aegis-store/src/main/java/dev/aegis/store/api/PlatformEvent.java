package dev.aegis.store.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event of the platform event stream ({@link EventBus}): a revocation or a change that gateways, SDKs and
 * other nodes must learn about quickly.
 *
 * <p>Events carry identifiers only (a {@code jti}, a certificate serial, a SPIFFE ID, a secret's path), never
 * secret values: the stream is served to every gateway and service.
 *
 * @param sequence   position in the stream, gap-free and in commit order; the SSE event id
 * @param topic      what happened, e.g. {@code token.revoked}; 1..128 characters of {@code [a-z0-9._-]}
 * @param subject    what it happened to, e.g. the token's {@code jti}; 1..1024 characters
 * @param attributes further identifiers (e.g. {@code exp}); small, copied, never {@code null}
 * @param occurredAt when it was published
 */
public record PlatformEvent(long sequence, String topic, String subject, Map<String, String> attributes,
                            Instant occurredAt) {

    /** Topic of a revoked access token; subject = {@code jti}, attributes {@code exp}, {@code client_id}. */
    public static final String TOKEN_REVOKED = "token.revoked";
    /** Topic of a revoked X.509-SVID; subject = the certificate serial (hex). */
    public static final String SVID_REVOKED = "svid.revoked";
    /** Topic of a revoked workload; subject = its SPIFFE ID. */
    public static final String WORKLOAD_REVOKED = "workload.revoked";
    /** Topic of an authorization change (tuples or model written). */
    public static final String AUTHZ_CHANGED = "authz.changed";
    /** Topic of a new secret version; subject = mount/path, attribute {@code version}. */
    public static final String SECRET_CHANGED = "secret.changed";
    /** Topic of a revoked API key; subject = the key id. */
    public static final String APIKEY_REVOKED = "apikey.revoked";

    static final int MAX_TOPIC = 128;
    static final int MAX_SUBJECT = 1024;

    public PlatformEvent {
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence must be positive");
        }
        checkTopic(topic);
        checkSubject(subject);
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /** @return whether this event's topic starts with {@code prefix} (the empty prefix matches all) */
    public boolean hasTopicPrefix(String prefix) {
        return topic.startsWith(prefix);
    }

    static void checkTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || topic.length() > MAX_TOPIC) {
            throw new IllegalArgumentException("topic must have 1.." + MAX_TOPIC + " characters");
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("topic may contain only a-z, 0-9, '.', '_' and '-'");
            }
        }
    }

    static void checkSubject(String subject) {
        Objects.requireNonNull(subject, "subject");
        if (subject.isEmpty() || subject.length() > MAX_SUBJECT) {
            throw new IllegalArgumentException("subject must have 1.." + MAX_SUBJECT + " characters");
        }
    }
}
