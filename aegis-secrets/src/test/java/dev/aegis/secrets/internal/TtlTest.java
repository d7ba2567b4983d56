package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlTest {

    @Test
    void vaultDurationFormsAreParsed() {
        assertEquals(Duration.ofSeconds(90), Ttl.parse("t", "90"));
        assertEquals(Duration.ofSeconds(30), Ttl.parse("t", "30s"));
        assertEquals(Duration.ofMinutes(15), Ttl.parse("t", "15m"));
        assertEquals(Duration.ofMinutes(90), Ttl.parse("t", "1h30m"));
        assertEquals(Duration.ofDays(7), Ttl.parse("t", "7d"));
        ObjectNode body = VaultJson.object();
        body.put("ttl", 3600);
        assertEquals(Duration.ofHours(1), Ttl.field(body, "ttl", Duration.ZERO));
        assertEquals(Duration.ofMinutes(5), Ttl.field(body, "missing", Duration.ofMinutes(5)));
    }

    @Test
    void malformedOrNegativeDurationsAreA400() {
        for (String bad : new String[] {"", "h", "10x", "-5s", "1.5h", "99999999999999d"}) {
            assertEquals(400, assertThrows(VaultError.class, () -> Ttl.parse("ttl", bad), bad).status());
        }
        ObjectNode body = VaultJson.object();
        body.put("ttl", -1);
        assertEquals(400, assertThrows(VaultError.class, () -> Ttl.field(body, "ttl", Duration.ZERO)).status());
    }
}
