package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing device user codes (RFC 8628 §5.1): wrong codes count against the source address like failed logins,
 * so a brute-force of the 8-letter codes stops at the address limit (here 3 per hour).
 */
class DeviceCodeGuessingTest {
    @TempDir
    Path dataDir;

    @Test
    void userCodeGuessingIsLimitedPerAddress() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dataDir, Map.of("identity.login.max-failures-per-address", "3"))) {
            Browser browser = new Browser();
            HttpResponse<String> page = browser.get(aegis.uri("/device"));
            String[] guesses = {"BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "FFFF-FFFF", "GGGG-GGGG"};
            int[] expected = {400, 400, 400, 429, 429};
            for (int i = 0; i < guesses.length; i++) {
                HttpResponse<String> r = browser.post(aegis.uri("/device"), Browser.form(page.body(), "user_code", guesses[i],
                        "username", "x", "password", "y", "decision", "allow"));
                assertEquals(expected[i], r.statusCode(), "guess " + (i + 1));
            }
        }
    }
}
