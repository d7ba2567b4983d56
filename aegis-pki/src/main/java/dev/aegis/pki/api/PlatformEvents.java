package dev.aegis.pki.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Where the CA announces revocations ({@value #SVID_REVOKED}, subject = serial; {@value #WORKLOAD_REVOKED},
 * subject = SPIFFE ID). The server connects it to the platform event bus ({@code EventBus}): the event is written
 * in the same transaction as the revocation it announces, so both commit or neither does.
 */
public interface PlatformEvents {
    /** Topic of a revoked SVID serial. */
    String SVID_REVOKED = "svid.revoked";
    /** Topic of a revoked workload. */
    String WORKLOAD_REVOKED = "workload.revoked";

    /**
     * Publishes inside the caller's transaction.
     *
     * @param c          the connection of the revocation's transaction
     * @param topic      the topic
     * @param subject    what it is about
     * @param attributes extra facts
     */
    void publish(Connection c, String topic, String subject, Map<String, String> attributes) throws SQLException;

    /** Called after the transaction committed (deliver to local subscribers now). */
    default void committed() {
    }

    /** @return a sink that drops events (a CA without an event bus, in tests) */
    static PlatformEvents none() {
        return (c, topic, subject, attributes) -> { };
    }
}
