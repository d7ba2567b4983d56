package dev.aegis.audit.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalAuditEncodingTest {

    /** The layout documented in {@link CanonicalAuditEncoding}, reproduced by an independent Python script. */
    static final String GOLDEN_RECORD_1 = "010000000000000001000000056576742d3100000000695735a5075bca0000000005"
            + "616c696365ffffffff0000000b746f6b656e2e69737375650000000a636c69656e743a77656200000005414c4c4f57"
            + "ffffffff000000057265712d310000000831302e302e302e310000000e61656769732d6964656e746974790000000400"
            + "0000015a000000017a000000016100000001310000000162000000013200000002c3a90000000178";

    static AuditEvent goldenEvent() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("b", "2");
        details.put("a", "1");
        details.put("\u00e9", "x");
        details.put("Z", "z");
        return new AuditEvent("evt-1", Instant.parse("2026-01-02T03:04:05.123456Z"), "alice", null, "token.issue",
                "client:web", AuditDecision.ALLOW, null, "req-1", "10.0.0.1", "aegis-identity", details);
    }

    @Test
    void encodingMatchesTheDocumentedLayoutByteForByte() {
        assertEquals(GOLDEN_RECORD_1, HexFormat.of().formatHex(CanonicalAuditEncoding.encode(1, goldenEvent())));
    }

    @Test
    void detailsOrderDoesNotChangeTheEncoding() {
        AuditEvent a = goldenEvent();
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("Z", "z");
        reversed.put("\u00e9", "x");
        reversed.put("a", "1");
        reversed.put("b", "2");
        AuditEvent b = new AuditEvent(a.eventId(), a.time(), a.actor(), a.subject(), a.action(), a.resource(),
                a.decision(), a.reason(), a.requestId(), a.sourceAddress(), a.service(), reversed);
        assertArrayEquals(CanonicalAuditEncoding.encode(1, a), CanonicalAuditEncoding.encode(1, b));
    }

    @Test
    void movingCharactersAcrossAFieldBoundaryChangesTheEncoding() {
        AuditEvent ab = event("ab", "c");
        AuditEvent a = event("a", "bc");
        assertFalse(Arrays.equals(CanonicalAuditEncoding.encode(1, ab), CanonicalAuditEncoding.encode(1, a)));
    }

    @Test
    void absentAndEmptyFieldsEncodeDifferently() {
        assertFalse(Arrays.equals(CanonicalAuditEncoding.encode(1, event(null, "x")),
                CanonicalAuditEncoding.encode(1, event("", "x"))));
    }

    @Test
    void sequenceNumberIsPartOfTheEncoding() {
        AuditEvent e = goldenEvent();
        assertFalse(Arrays.equals(CanonicalAuditEncoding.encode(1, e), CanonicalAuditEncoding.encode(2, e)));
    }

    private static AuditEvent event(String actor, String subject) {
        return new AuditEvent("id", Instant.EPOCH, actor, subject, "a", null, AuditDecision.INFO, null, null, null,
                null, Map.of());
    }
}
