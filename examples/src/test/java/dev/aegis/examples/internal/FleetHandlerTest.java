package dev.aegis.examples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The few inputs a fleet service reads itself: the account of the query, the values it echoes as JSON. */
class FleetHandlerTest {

    @Test
    void anAccountIsOneToSixtyFourSafeCharactersAndNothingElse() {
        assertEquals(FleetHandler.DEFAULT_ACCOUNT, FleetHandler.account(null));
        assertEquals(FleetHandler.DEFAULT_ACCOUNT, FleetHandler.account(""));
        assertEquals("alice-savings_2", FleetHandler.account("account=alice-savings_2"));
        assertEquals("a".repeat(64), FleetHandler.account("account=" + "a".repeat(64)));
        for (String bad : new String[] {"account=", "account=" + "a".repeat(65), "account=a%2Fb", "account=a/b",
                "account=a&account=b", "x=1", "account=a b", "account=../x", "account=\u00e9"}) {
            assertNull(FleetHandler.account(bad), bad);
        }
    }

    @Test
    void echoedValuesCannotBreakOutOfTheirJsonString() {
        assertEquals("a\\\"b\\\\c\\u000a", FleetHandler.escape("a\"b\\c\n"));
        assertEquals("plain-id_123", FleetHandler.escape("plain-id_123"));
    }
}
