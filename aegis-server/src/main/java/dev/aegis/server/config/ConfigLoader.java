package dev.aegis.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.core.api.keys.RotationPolicy;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.identity.api.IdentitySettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the YAML configuration file, applies {@code AEGIS_*} environment overrides and validates every value,
 * so a bad configuration stops start-up with a message naming the key. Precedence: defaults, then the file,
 * then the environment, then command-line options (applied by the caller through {@code overrides}).
 */
public final class ConfigLoader {
    // A key written twice is a mistake to report, not a value to pick silently.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature()));

    private ConfigLoader() {
    }

    /**
     * Loads and validates a configuration.
     *
     * @param file        the YAML file, or empty for defaults only
     * @param environment the process environment (only {@code AEGIS_*} variables naming known keys are read)
     * @param overrides   key → value pairs from the command line, applied last
     * @throws ConfigException naming the first bad key
     */
    public static AegisConfig load(Optional<Path> file, Map<String, String> environment, Map<String, String> overrides) {
        Map<ConfigKey, String> values = new HashMap<>();
        if (file.isPresent()) {
            readYaml(file.get(), values);
        }
        for (ConfigKey key : ConfigKey.values()) {
            String fromEnv = environment.get(key.environmentVariable());
            if (fromEnv != null) {
                values.put(key, fromEnv.strip());
            }
        }
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            ConfigKey key = ConfigKey.find(override.getKey());
            if (key == null) {
                throw ConfigException.forKey(override.getKey(), "unknown configuration key");
            }
            values.put(key, override.getValue());
        }
        return new Binder(values).bind();
    }

    private static void readYaml(Path file, Map<ConfigKey, String> values) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Jackson's message names the line and column of a syntax error; it never echoes secrets of other keys.
            throw new ConfigException(file + ": cannot read configuration: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": the configuration must be a YAML mapping of keys");
        }
        flatten("", root, values);
    }

    private static void flatten(String prefix, JsonNode node, Map<ConfigKey, String> values) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(path, value, values);
                continue;
            }
            ConfigKey key = ConfigKey.find(path);
            if (key == null) {
                throw ConfigException.forKey(path, "unknown configuration key");
            }
            if (!value.isValueNode()) {
                throw ConfigException.forKey(path, "must be a single value, not a list");
            }
            values.put(key, value.isNull() ? "" : value.asText().strip());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Turns raw strings into typed, validated values; each failure names its key. */
    private record Binder(Map<ConfigKey, String> values) {

        AegisConfig bind() {
            Path dataDir = path(ConfigKey.DATA_DIR);
            AegisConfig.Server server = new AegisConfig.Server(
                    nonBlank(ConfigKey.SERVER_HOST),
                    integer(ConfigKey.SERVER_PORT, 0, 65535),
                    duration(ConfigKey.SERVER_SHUTDOWN_GRACE),
                    integer(ConfigKey.SERVER_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE),
                    tls());
            Path rootKey = raw(ConfigKey.ROOT_KEY_FILE).isEmpty() ? dataDir.resolve("root.key") : path(ConfigKey.ROOT_KEY_FILE);
            AegisConfig.Storage storage = storage();
            return new AegisConfig(dataDir, server, storage, rootKey, rotationPolicy(), audit(), logging(), identity(),
                    policy(), secrets(storage), gateway(), pki());
        }

        private AegisConfig.Policy policy() {
            double rate;
            try {
                rate = Double.parseDouble(raw(ConfigKey.POLICY_AUDIT_ALLOW_SAMPLE_RATE));
            } catch (NumberFormatException e) {
                rate = -1;
            }
            if (!(rate >= 0 && rate <= 1)) {
                throw invalid(ConfigKey.POLICY_AUDIT_ALLOW_SAMPLE_RATE, "must be a number between 0 and 1");
            }
            return new AegisConfig.Policy(integer(ConfigKey.POLICY_MAX_DEPTH, 1, 100),
                    integer(ConfigKey.POLICY_MAX_LIST_RESULTS, 1, 100_000),
                    integer(ConfigKey.POLICY_DECISION_CACHE_SIZE, 0, 10_000_000), rate, bool(ConfigKey.POLICY_PARALLEL_UNIONS));
        }

        private Optional<AegisConfig.Gateway> gateway() {
            if (raw(ConfigKey.GATEWAY_ROUTES_FILE).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new AegisConfig.Gateway(existingFile(ConfigKey.GATEWAY_ROUTES_FILE),
                    nonBlank(ConfigKey.GATEWAY_HOST), integer(ConfigKey.GATEWAY_PORT, 0, 65535),
                    duration(ConfigKey.GATEWAY_CLIENT_TIMEOUT), duration(ConfigKey.GATEWAY_REQUEST_DEADLINE), gatewayTls(),
                    gatewayWorkload()));
        }

        private Optional<AegisConfig.GatewayWorkload> gatewayWorkload() {
            if (raw(ConfigKey.GATEWAY_WORKLOAD_CONTROL_PLANE).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new AegisConfig.GatewayWorkload(httpUrl(ConfigKey.GATEWAY_WORKLOAD_CONTROL_PLANE),
                    httpUrl(ConfigKey.GATEWAY_WORKLOAD_MTLS_ENDPOINT), nonBlank(ConfigKey.GATEWAY_WORKLOAD_JOIN_TOKEN)));
        }

        private java.net.URI httpUrl(ConfigKey key) {
            try {
                java.net.URI uri = new java.net.URI(nonBlank(key));
                if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below
            }
            throw invalid(key, "must be an http(s) URL");
        }

        private Optional<AegisConfig.Tls> gatewayTls() {
            if (!bool(ConfigKey.GATEWAY_TLS_ENABLED)) {
                return Optional.empty();
            }
            AegisConfig.ClientAuth clientAuth = switch (raw(ConfigKey.GATEWAY_TLS_CLIENT_AUTH).toLowerCase(Locale.ROOT)) {
                case "none" -> AegisConfig.ClientAuth.NONE;
                case "optional" -> AegisConfig.ClientAuth.OPTIONAL;
                case "required" -> AegisConfig.ClientAuth.REQUIRED;
                default -> throw invalid(ConfigKey.GATEWAY_TLS_CLIENT_AUTH, "must be none, optional or required");
            };
            Optional<Path> clientCa = raw(ConfigKey.GATEWAY_TLS_CLIENT_CA).isEmpty()
                    ? Optional.empty() : Optional.of(existingFile(ConfigKey.GATEWAY_TLS_CLIENT_CA));
            if (clientAuth != AegisConfig.ClientAuth.NONE && clientCa.isEmpty()) {
                throw ConfigException.forKey(ConfigKey.GATEWAY_TLS_CLIENT_CA.key,
                        "is required when gateway.tls.client-auth is optional or required");
            }
            return Optional.of(new AegisConfig.Tls(existingFile(ConfigKey.GATEWAY_TLS_CERTIFICATE),
                    existingFile(ConfigKey.GATEWAY_TLS_PRIVATE_KEY), clientCa, clientAuth));
        }

        private AegisConfig.Pki pki() {
            String domain = nonBlank(ConfigKey.PKI_TRUST_DOMAIN);
            if (domain.length() > 255 || !domain.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_')) {
                throw invalid(ConfigKey.PKI_TRUST_DOMAIN, "must be a SPIFFE trust domain: lowercase letters, digits, '.', '-', '_'");
            }
            Duration ttl = duration(ConfigKey.PKI_SVID_TTL);
            if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
                throw invalid(ConfigKey.PKI_SVID_TTL, "must be between 1m and 24h");
            }
            Duration period = duration(ConfigKey.PKI_CA_ROTATION_PERIOD);
            Duration ahead = duration(ConfigKey.PKI_CA_PUBLISH_AHEAD);
            if (period.compareTo(ahead) <= 0) {
                throw invalid(ConfigKey.PKI_CA_ROTATION_PERIOD, "must be longer than pki.ca.publish-ahead");
            }
            // "server.port: 0" (tests, several nodes on one host) means ephemeral ports for every listener, unless
            // the mTLS port is set explicitly; otherwise the default 8444 would collide between such nodes.
            int mtlsPort = !values.containsKey(ConfigKey.PKI_MTLS_PORT) && "0".equals(raw(ConfigKey.SERVER_PORT))
                    ? 0 : integer(ConfigKey.PKI_MTLS_PORT, 0, 65535);
            return new AegisConfig.Pki(domain, mtlsPort, ttl,
                    duration(ConfigKey.PKI_JWT_SVID_TTL), period, ahead);
        }

        private Optional<AegisConfig.Tls> tls() {
            if (!bool(ConfigKey.TLS_ENABLED)) {
                return Optional.empty();
            }
            Path certificate = existingFile(ConfigKey.TLS_CERTIFICATE);
            Path privateKey = existingFile(ConfigKey.TLS_PRIVATE_KEY);
            AegisConfig.ClientAuth clientAuth = switch (raw(ConfigKey.TLS_CLIENT_AUTH).toLowerCase(Locale.ROOT)) {
                case "none" -> AegisConfig.ClientAuth.NONE;
                case "optional" -> AegisConfig.ClientAuth.OPTIONAL;
                case "required" -> AegisConfig.ClientAuth.REQUIRED;
                default -> throw invalid(ConfigKey.TLS_CLIENT_AUTH, "must be none, optional or required");
            };
            Optional<Path> clientCa = raw(ConfigKey.TLS_CLIENT_CA).isEmpty()
                    ? Optional.empty() : Optional.of(existingFile(ConfigKey.TLS_CLIENT_CA));
            if (clientAuth != AegisConfig.ClientAuth.NONE && clientCa.isEmpty()) {
                throw ConfigException.forKey(ConfigKey.TLS_CLIENT_CA.key,
                        "is required when server.tls.client-auth is " + clientAuth.name().toLowerCase(Locale.ROOT));
            }
            return Optional.of(new AegisConfig.Tls(certificate, privateKey, clientCa, clientAuth));
        }

        private AegisConfig.Storage storage() {
            int poolSize = integer(ConfigKey.STORAGE_POOL_SIZE, 1, 200);
            return switch (raw(ConfigKey.STORAGE_TYPE).toLowerCase(Locale.ROOT)) {
                case "embedded" -> new AegisConfig.Storage(true, "", "", SecretBytes.copyOf(new byte[0]), poolSize);
                case "postgres", "postgresql" -> {
                    String url = nonBlank(ConfigKey.POSTGRES_URL);
                    if (!url.startsWith("jdbc:postgresql://")) {
                        throw invalid(ConfigKey.POSTGRES_URL, "must start with jdbc:postgresql://");
                    }
                    if (url.contains("@") || url.toLowerCase(Locale.ROOT).contains("password")) {
                        // Never echo it: the URL may hold the very password it must not carry.
                        throw ConfigException.forKey(ConfigKey.POSTGRES_URL.key,
                                "must not contain credentials; set storage.postgres.user and storage.postgres.password");
                    }
                    SecretBytes password = SecretBytes.copyOf(raw(ConfigKey.POSTGRES_PASSWORD).getBytes(StandardCharsets.UTF_8));
                    yield new AegisConfig.Storage(false, url, nonBlank(ConfigKey.POSTGRES_USER), password, poolSize);
                }
                default -> throw invalid(ConfigKey.STORAGE_TYPE, "must be embedded or postgres");
            };
        }

        private RotationPolicy rotationPolicy() {
            SigningAlgorithm algorithm;
            try {
                algorithm = SigningAlgorithm.fromJoseName(raw(ConfigKey.KEYS_ALGORITHM));
            } catch (IllegalArgumentException e) {
                throw invalid(ConfigKey.KEYS_ALGORITHM, "must be ES256, EdDSA or RS256");
            }
            Duration period = duration(ConfigKey.KEYS_ROTATION_PERIOD);
            Duration ahead = duration(ConfigKey.KEYS_PUBLISH_AHEAD);
            if (period.compareTo(ahead) <= 0) {
                throw ConfigException.forKey(ConfigKey.KEYS_ROTATION_PERIOD.key, "must be longer than keys.publish-ahead");
            }
            // Retired keys are kept for the largest skew any verifier may allow, not the signer's own.
            return new RotationPolicy(algorithm, period, ahead, duration(ConfigKey.KEYS_MAX_TOKEN_LIFETIME),
                    RotationPolicy.MAX_CLOCK_SKEW);
        }

        /** {@code auto}: the root key file on the embedded default, Shamir shares on a PostgreSQL cluster. */
        private AegisConfig.Secrets secrets(AegisConfig.Storage storage) {
            return switch (raw(ConfigKey.SECRETS_SEAL).toLowerCase(Locale.ROOT)) {
                case "auto" -> new AegisConfig.Secrets(!storage.embedded());
                case "file" -> new AegisConfig.Secrets(false);
                case "shamir" -> new AegisConfig.Secrets(true);
                default -> throw invalid(ConfigKey.SECRETS_SEAL, "must be auto, file or shamir");
            };
        }

        private AegisConfig.Audit audit() {
            boolean failClosed = switch (raw(ConfigKey.AUDIT_FAILURE_MODE).toLowerCase(Locale.ROOT)) {
                case "fail-closed" -> true;
                case "fail-open" -> false;
                default -> throw invalid(ConfigKey.AUDIT_FAILURE_MODE, "must be fail-closed or fail-open");
            };
            String jsonLines = raw(ConfigKey.AUDIT_JSONL);
            return new AegisConfig.Audit(failClosed, jsonLines.isEmpty() ? Optional.empty() : Optional.of(jsonLines),
                    duration(ConfigKey.AUDIT_RECORD_TIMEOUT));
        }

        private IdentitySettings identity() {
            String issuer = raw(ConfigKey.IDENTITY_ISSUER);
            try {
                return new IdentitySettings(issuer.isEmpty() ? Optional.empty() : Optional.of(issuer),
                        integer(ConfigKey.IDENTITY_MAX_FAILURES_PER_ACCOUNT, 1, 1000),
                        duration(ConfigKey.IDENTITY_ACCOUNT_WINDOW),
                        integer(ConfigKey.IDENTITY_MAX_FAILURES_PER_ADDRESS, 1, 100_000),
                        duration(ConfigKey.IDENTITY_ADDRESS_WINDOW),
                        duration(ConfigKey.IDENTITY_SESSION_LIFETIME),
                        bool(ConfigKey.IDENTITY_DPOP_REQUIRE_NONCE));
            } catch (IllegalArgumentException e) {
                throw invalid(ConfigKey.IDENTITY_ISSUER, "must be an http(s) URL without query, fragment or trailing slash");
            }
        }

        private AegisConfig.Logging logging() {
            boolean json = switch (raw(ConfigKey.LOGGING_FORMAT).toLowerCase(Locale.ROOT)) {
                case "json" -> true;
                case "text" -> false;
                default -> throw invalid(ConfigKey.LOGGING_FORMAT, "must be json or text");
            };
            String level = raw(ConfigKey.LOGGING_LEVEL).toLowerCase(Locale.ROOT);
            return switch (level) {
                case "error", "warn", "info", "debug", "trace" -> new AegisConfig.Logging(json, level);
                default -> throw invalid(ConfigKey.LOGGING_LEVEL, "must be error, warn, info, debug or trace");
            };
        }

        private String raw(ConfigKey key) {
            return values.getOrDefault(key, key.defaultValue);
        }

        private ConfigException invalid(ConfigKey key, String rule) {
            // Secret values are never echoed back.
            String shown = key.secret ? "<redacted>" : "'" + raw(key) + "'";
            return ConfigException.forKey(key.key, rule + ", got " + shown);
        }

        private String nonBlank(ConfigKey key) {
            String value = raw(key);
            if (value.isBlank()) {
                throw ConfigException.forKey(key.key, "must not be empty");
            }
            return value;
        }

        private int integer(ConfigKey key, int min, int max) {
            try {
                int value = Integer.parseInt(raw(key));
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below with the same message as an out-of-range number
            }
            throw invalid(key, "must be an integer in " + min + ".." + max);
        }

        private boolean bool(ConfigKey key) {
            return switch (raw(key).toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw invalid(key, "must be true or false");
            };
        }

        private Path path(ConfigKey key) {
            try {
                return Path.of(nonBlank(key));
            } catch (java.nio.file.InvalidPathException e) {
                throw invalid(key, "must be a file system path");
            }
        }

        private Path existingFile(ConfigKey key) {
            Path file = path(key);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw invalid(key, "must name a readable file");
            }
            return file;
        }

        /** Durations as {@code 30s}, {@code 15m}, {@code 12h}, {@code 30d}, or ISO-8601 ({@code PT30S}). */
        private Duration duration(ConfigKey key) {
            Optional<Duration> value = DurationText.parse(raw(key).strip());
            if (value.isPresent() && !value.get().isNegative() && !value.get().isZero()) {
                return value.get();
            }
            throw invalid(key, "must be a positive duration such as 30s, 15m, 12h or 30d");
        }
    }
}
