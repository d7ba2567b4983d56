package dev.aegis.gateway.internal;

/**
 * A routes file was refused: names the file, the line and the key, so an operator can fix it; the running
 * configuration is left untouched. The message never contains a secret (values are only echoed for enums).
 */
public final class RouteFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String key;

    RouteFileException(String file, int line, String key, String problem) {
        super(file + ":" + line + ": " + key + ": " + problem);
        this.line = line;
        this.key = key;
    }

    /** @return the 1-based line of the offending key or value (0 if the file could not be read at all) */
    public int line() {
        return line;
    }

    /** @return the dotted path of the offending key, e.g. {@code routes[0].upstream.retries} */
    public String key() {
        return key;
    }
}
