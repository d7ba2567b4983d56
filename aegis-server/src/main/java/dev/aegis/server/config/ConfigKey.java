package dev.aegis.server.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every configuration key Aegis knows, with its default and whether it is secret. The YAML file may contain
 * only these keys; each can be overridden by an environment variable named {@code AEGIS_} followed by the key
 * in upper case with dots and dashes as underscores ({@code server.port} → {@code AEGIS_SERVER_PORT}).
 */
enum ConfigKey {
    DATA_DIR("data-dir", "./data", false),
    SERVER_HOST("server.host", "127.0.0.1", false),
    SERVER_PORT("server.port", "8443", false),
    SERVER_SHUTDOWN_GRACE("server.shutdown-grace", "10s", false),
    SERVER_MAX_BODY_BYTES("server.max-body-bytes", "1048576", false),
    TLS_ENABLED("server.tls.enabled", "false", false),
    TLS_CERTIFICATE("server.tls.certificate", "", false),
    TLS_PRIVATE_KEY("server.tls.private-key", "", false),
    TLS_CLIENT_CA("server.tls.client-ca", "", false),
    TLS_CLIENT_AUTH("server.tls.client-auth", "none", false),
    STORAGE_TYPE("storage.type", "embedded", false),
    STORAGE_POOL_SIZE("storage.pool-size", "10", false),
    POSTGRES_URL("storage.postgres.url", "", false),
    POSTGRES_USER("storage.postgres.user", "", false),
    POSTGRES_PASSWORD("storage.postgres.password", "", true),
    ROOT_KEY_FILE("keys.root-key-file", "", false),
    KEYS_ALGORITHM("keys.algorithm", "ES256", false),
    KEYS_ROTATION_PERIOD("keys.rotation-period", "30d", false),
    KEYS_PUBLISH_AHEAD("keys.publish-ahead", "1d", false),
    KEYS_MAX_TOKEN_LIFETIME("keys.max-token-lifetime", "1d", false),
    AUDIT_FAILURE_MODE("audit.failure-mode", "fail-closed", false),
    AUDIT_JSONL("audit.jsonl", "", false),
    AUDIT_RECORD_TIMEOUT("audit.record-timeout", "5s", false),
    LOGGING_FORMAT("logging.format", "json", false),
    LOGGING_LEVEL("logging.level", "info", false),
    // The API gateway (issue 5): off unless a routes file is named; its own listener.
    GATEWAY_ROUTES_FILE("gateway.routes-file", "", false),
    GATEWAY_HOST("gateway.host", "127.0.0.1", false),
    GATEWAY_PORT("gateway.port", "8080", false),
    GATEWAY_CLIENT_TIMEOUT("gateway.client-timeout", "10s", false),
    GATEWAY_TLS_ENABLED("gateway.tls.enabled", "false", false),
    GATEWAY_TLS_CERTIFICATE("gateway.tls.certificate", "", false),
    GATEWAY_TLS_PRIVATE_KEY("gateway.tls.private-key", "", false),
    GATEWAY_TLS_CLIENT_CA("gateway.tls.client-ca", "", false),
    GATEWAY_TLS_CLIENT_AUTH("gateway.tls.client-auth", "none", false);

    private static final Map<String, ConfigKey> BY_NAME = new LinkedHashMap<>();

    static {
        for (ConfigKey key : values()) {
            BY_NAME.put(key.key, key);
        }
    }

    final String key;
    final String defaultValue;
    final boolean secret;

    ConfigKey(String key, String defaultValue, boolean secret) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.secret = secret;
    }

    /** The environment variable that overrides this key. */
    String environmentVariable() {
        return "AEGIS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static ConfigKey find(String key) {
        return BY_NAME.get(key);
    }
}
