package dev.aegis.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

    @ParameterizedTest
    @CsvSource({"30s, PT30S", "15m, PT15M", "12h, PT12H", "30d, PT720H", "PT1H30M, PT1H30M", "p1d, PT24H", "0s, PT0S"})
    void readsUnitsAndIso8601(String text, String expected) {
        assertEquals(Optional.of(Duration.parse(expected)), DurationText.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "5", "5S", "5w", "-5s", "+5s", "1.5h", "h5", "PT", "P1X", "99999999999999999999s"})
    void refusesWhatIsNotADuration(String text) {
        assertEquals(Optional.empty(), DurationText.parse(text));
    }
}
