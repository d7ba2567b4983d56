package dev.aegis.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditEventTest {

    @Test
    void builderFillsIdTimeAndDecision() {
        AuditEvent e = AuditEvent.builder("token.issue").actor("alice").detail("k", "v").build();
        assertNotNull(e.eventId());
        assertNotNull(e.time());
        assertEquals(AuditDecision.INFO, e.decision());
        assertEquals(Map.of("k", "v"), e.details());
    }

    @Test
    void timeIsTruncatedToMicrosecondsSoTheDatabaseRoundTripIsExact() {
        AuditEvent e = AuditEvent.builder("a").time(Instant.parse("2026-01-01T00:00:00.123456789Z")).build();
        assertEquals(Instant.parse("2026-01-01T00:00:00.123456Z"), e.time());
    }

    @Test
    void detailsAreCopiedAndUnmodifiable() {
        Map<String, String> details = new HashMap<>(Map.of("k", "v"));
        AuditEvent e = new AuditEvent("id", Instant.EPOCH, null, null, "a", null, AuditDecision.INFO, null, null,
                null, null, details);
        details.put("k2", "v2");
        assertEquals(Map.of("k", "v"), e.details());
        assertThrows(UnsupportedOperationException.class, () -> e.details().put("x", "y"));
    }

    static Stream<Arguments> invalidEvents() {
        return Stream.of(
                Arguments.of("line feed in actor (log forging)", (Consumer<AuditEvent.Builder>) b -> b.actor("a\nb"),
                        "actor contains a control character"),
                Arguments.of("NUL in reason", (Consumer<AuditEvent.Builder>) b -> b.reason("a\u0000"),
                        "reason contains a control character"),
                Arguments.of("C1 control in resource", (Consumer<AuditEvent.Builder>) b -> b.resource("\u0085"),
                        "resource contains a control character"),
                Arguments.of("lone surrogate in subject", (Consumer<AuditEvent.Builder>) b -> b.subject("x\ud800"),
                        "subject contains an unpaired surrogate"),
                Arguments.of("overlong actor", (Consumer<AuditEvent.Builder>) b -> b.actor("a".repeat(257)),
                        "actor is longer than 256 characters"),
                Arguments.of("bad event id", (Consumer<AuditEvent.Builder>) b -> b.eventId("a b"),
                        "eventId must be 1..64 characters of [A-Za-z0-9._-]"),
                Arguments.of("tab in detail value", (Consumer<AuditEvent.Builder>) b -> b.detail("k", "\t"),
                        "details value contains a control character"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void invalidEventIsRejectedWithANamedRule(String name, Consumer<AuditEvent.Builder> change, String message) {
        AuditEvent.Builder b = AuditEvent.builder("a");
        change.accept(b);
        assertEquals(message, assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }

    @Test
    void tooManyDetailsAreRejected() {
        AuditEvent.Builder b = AuditEvent.builder("a");
        for (int i = 0; i < 33; i++) {
            b.detail("k" + i, "v");
        }
        assertEquals("at most 32 details", assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }

    @Test
    void emojiInAFieldIsAccepted() {
        assertEquals("\uD83D\uDD11", AuditEvent.builder("a").actor("\uD83D\uDD11").build().actor());
    }
}
