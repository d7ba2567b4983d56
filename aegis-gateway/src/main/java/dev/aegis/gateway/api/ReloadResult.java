package dev.aegis.gateway.api;

import java.util.Objects;

/** Outcome of {@link Gateway#reload()}: an expected result, so a value. */
public sealed interface ReloadResult {

    /** The new routes are serving; open connections were kept. @param routes number of routes */
    record Applied(int routes) implements ReloadResult {
    }

    /** The file did not change since the last load. */
    record Unchanged() implements ReloadResult {
    }

    /**
     * The file was refused; the previous configuration keeps serving.
     *
     * @param message file, line, key and problem, e.g. {@code routes.yaml:12: routes[0].upstream.retries: must be …}
     * @param line    the 1-based line (0 if the file could not be read)
     * @param key     the dotted key
     */
    record Refused(String message, int line, String key) implements ReloadResult {
        /** Validates. */
        public Refused {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(key, "key");
        }
    }
}
