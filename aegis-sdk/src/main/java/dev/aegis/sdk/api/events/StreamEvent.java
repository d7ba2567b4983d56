package dev.aegis.sdk.api.events;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event of the platform event stream as a service receives it.
 *
 * <p>Topics a service acts on: {@code token.revoked} (subject = the token's {@code jti}, attribute {@code exp}
 * in epoch seconds), {@code svid.revoked} (subject = certificate serial), {@code workload.revoked} (subject =
 * SPIFFE ID), {@code authz.changed}, {@code secret.changed}, {@code apikey.revoked}. Immutable.
 *
 * @param sequence   the stream position
 * @param topic      what happened
 * @param subject    what it happened to
 * @param attributes further identifiers; never {@code null}
 */
public record StreamEvent(long sequence, String topic, String subject, Map<String, String> attributes) {

    /** Topic of a revoked access token. */
    public static final String TOKEN_REVOKED = "token.revoked";
    /** Topic of a revoked X.509-SVID. */
    public static final String SVID_REVOKED = "svid.revoked";
    /** Topic of a revoked workload. */
    public static final String WORKLOAD_REVOKED = "workload.revoked";

    public StreamEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(subject, "subject");
        attributes = Map.copyOf(attributes);
    }

    /**
     * @param data the {@code data:} line, JSON with {@code subject} and {@code attributes}
     * @throws IllegalArgumentException when the data is not such JSON
     */
    static StreamEvent parse(long sequence, String topic, String data) {
        try {
            Map<String, Object> json = JSONObjectUtils.parse(data);
            String subject = JSONObjectUtils.getString(json, "subject");
            Map<String, Object> raw = JSONObjectUtils.getJSONObject(json, "attributes");
            Map<String, String> attributes = new HashMap<>();
            if (raw != null) {
                raw.forEach((k, v) -> attributes.put(k, String.valueOf(v)));
            }
            if (subject == null) {
                throw new IllegalArgumentException("event " + sequence + " has no subject");
            }
            return new StreamEvent(sequence, topic, subject, attributes);
        } catch (ParseException e) {
            throw new IllegalArgumentException("event " + sequence + " has malformed data: " + e.getMessage(), e);
        }
    }
}
