package dev.aegis.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A duration as operators write it, in the configuration file and in admin API bodies: a whole number with a
 * unit ({@code 30s}, {@code 15m}, {@code 12h}, {@code 30d}) or ISO-8601 ({@code PT30S}, {@code P1D}).
 */
public final class DurationText {
    private DurationText() {
    }

    /**
     * @param text the duration, without surrounding white space
     * @return the duration (ISO-8601 may be zero or negative; callers check the range they need), or empty
     *         when the text is not a duration
     */
    public static Optional<Duration> parse(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                return Optional.of(Duration.parse(text));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (text.length() < 2 || !Character.isDigit(text.charAt(0))) {
            return Optional.empty();
        }
        long amount;
        try {
            amount = Long.parseLong(text, 0, text.length() - 1, 10);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Optional.of(Duration.ofSeconds(amount));
            case 'm' -> Optional.of(Duration.ofMinutes(amount));
            case 'h' -> Optional.of(Duration.ofHours(amount));
            case 'd' -> Optional.of(Duration.ofDays(amount));
            default -> Optional.empty();
        };
    }
}
