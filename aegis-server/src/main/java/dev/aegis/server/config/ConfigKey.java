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
    POLICY_MAX_DEPTH("policy.max-depth", "25", false),
    POLICY_MAX_LIST_RESULTS("policy.max-list-results", "1000", false),
    POLICY_DECISION_CACHE_SIZE("policy.decision-cache-size", "100000", false),
    POLICY_AUDIT_ALLOW_SAMPLE_RATE("policy.audit-allow-sample-rate", "0.001", false),
    POLICY_PARALLEL_UNIONS("policy.parallel-unions", "false", false),
    LOGGING_FORMAT("logging.format", "json", false),
    LOGGING_LEVEL("logging.level", "info", false),
    IDENTITY_ISSUER("identity.issuer", "", false),
    IDENTITY_MAX_FAILURES_PER_ACCOUNT("identity.login.max-failures-per-account", "5", false),
    IDENTITY_ACCOUNT_WINDOW("identity.login.account-window", "15m", false),
    IDENTITY_MAX_FAILURES_PER_ADDRESS("identity.login.max-failures-per-address", "100", false),
    IDENTITY_ADDRESS_WINDOW("identity.login.address-window", "1h", false),
    IDENTITY_SESSION_LIFETIME("identity.session-lifetime", "8h", false),
    IDENTITY_DPOP_REQUIRE_NONCE("identity.dpop.require-nonce", "false", false),
    SECRETS_SEAL("secrets.seal", "auto", false),
    // The API gateway (issue 5): off unless a routes file is named; its own listener.
    GATEWAY_ROUTES_FILE("gateway.routes-file", "", false),
    GATEWAY_HOST("gateway.host", "127.0.0.1", false),
    GATEWAY_PORT("gateway.port", "8080", false),
    GATEWAY_CLIENT_TIMEOUT("gateway.client-timeout", "10s", false),
    GATEWAY_REQUEST_DEADLINE("gateway.request-deadline", "30s", false),
    // An edge gateway (aegis gateway) joins the workload CA for its own SVID: control plane, its mTLS listener, token.
    GATEWAY_WORKLOAD_CONTROL_PLANE("gateway.workload.control-plane", "", false),
    GATEWAY_WORKLOAD_MTLS_ENDPOINT("gateway.workload.mtls-endpoint", "", false),
    GATEWAY_WORKLOAD_JOIN_TOKEN("gateway.workload.join-token", "", true),
    PKI_TRUST_DOMAIN("pki.trust-domain", "aegis.local", false),
    PKI_MTLS_PORT("pki.mtls.port", "8444", false),
    PKI_SVID_TTL("pki.svid-ttl", "1h", false),
    PKI_JWT_SVID_TTL("pki.jwt-svid-ttl", "5m", false),
    PKI_CA_ROTATION_PERIOD("pki.ca.rotation-period", "30d", false),
    PKI_CA_PUBLISH_AHEAD("pki.ca.publish-ahead", "1h", false),
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
