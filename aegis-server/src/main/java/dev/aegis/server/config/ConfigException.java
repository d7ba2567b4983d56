package dev.aegis.server.config;

/**
 * A configuration value is missing, unknown or invalid. The message always starts with the key it is about
 * (for example {@code server.port: must be an integer in 1..65535, got '70000'}) and never contains the value
 * of a secret key.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    static ConfigException forKey(String key, String problem) {
        return new ConfigException(key + ": " + problem);
    }
}
