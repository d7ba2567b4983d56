package dev.aegis.pki.api;

import java.util.Map;

/**
 * Where the CA announces revocations ({@value #SVID_REVOKED}, subject = serial; {@value #WORKLOAD_REVOKED},
 * subject = SPIFFE ID). The server connects it to the platform event bus; implementations must be quick and
 * must not throw.
 */
@FunctionalInterface
public interface PlatformEvents {
    /** Topic of a revoked SVID serial. */
    String SVID_REVOKED = "svid.revoked";
    /** Topic of a revoked workload. */
    String WORKLOAD_REVOKED = "workload.revoked";

    /**
     * @param topic      the topic
     * @param subject    what it is about
     * @param attributes extra facts
     */
    void publish(String topic, String subject, Map<String, String> attributes);

    /** @return a sink that drops events (a CA without an event bus, in tests) */
    static PlatformEvents none() {
        return (topic, subject, attributes) -> { };
    }
}
