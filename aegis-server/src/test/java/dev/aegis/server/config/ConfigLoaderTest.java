package dev.aegis.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.keys.SigningAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsGiveTheEmbeddedLoopbackSetup() {
        AegisConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertTrue(config.storage().embedded());
        assertEquals("127.0.0.1", config.server().host());
        assertEquals(8443, config.server().port());
        assertEquals(Path.of("./data"), config.dataDir());
        assertEquals(Path.of("./data").resolve("root.key"), config.rootKeyFile());
        assertEquals(SigningAlgorithm.ES256, config.rotationPolicy().algorithm());
        assertTrue(config.audit().failClosed());
        assertTrue(config.logging().json());
        assertTrue(config.server().tls().isEmpty());
    }

    @Test
    void yamlValuesAreRead() throws IOException {
        Path file = write("""
                data-dir: /var/lib/aegis
                server:
                  port: 9000
                keys:
                  algorithm: EdDSA
                  rotation-period: 7d
                audit:
                  failure-mode: fail-open
                  jsonl: audit.jsonl
                """);
        AegisConfig config = ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
        assertEquals(9000, config.server().port());
        assertEquals(Path.of("/var/lib/aegis"), config.dataDir());
        assertEquals(SigningAlgorithm.EDDSA, config.rotationPolicy().algorithm());
        assertEquals(Duration.ofDays(7), config.rotationPolicy().rotationPeriod());
        assertFalse(config.audit().failClosed());
        assertEquals(Optional.of("audit.jsonl"), config.audit().jsonLines());
    }

    @Test
    void environmentOverridesTheFileAndCommandLineOverridesTheEnvironment() throws IOException {
        Path file = write("server:\n  port: 9000\n");
        AegisConfig fromEnv = ConfigLoader.load(Optional.of(file), Map.of("AEGIS_SERVER_PORT", "9100"), Map.of());
        assertEquals(9100, fromEnv.server().port());
        AegisConfig fromCli = ConfigLoader.load(Optional.of(file), Map.of("AEGIS_SERVER_PORT", "9100"),
                Map.of("server.port", "9200"));
        assertEquals(9200, fromCli.server().port());
    }

    @Test
    void postgresStorageFromTheEnvironment() {
        AegisConfig config = ConfigLoader.load(Optional.empty(), Map.of(
                "AEGIS_STORAGE_TYPE", "postgres",
                "AEGIS_STORAGE_POSTGRES_URL", "jdbc:postgresql://db:5432/aegis",
                "AEGIS_STORAGE_POSTGRES_USER", "aegis",
                "AEGIS_STORAGE_POSTGRES_PASSWORD", "s3cret-password"), Map.of());
        assertFalse(config.storage().embedded());
        assertEquals("jdbc:postgresql://db:5432/aegis", config.storage().postgresUrl());
        assertFalse(config.storage().toString().contains("s3cret"), "the password never appears in toString");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "server.port: 70000                 | server.port: must be an integer in 0..65535, got '70000'",
        "server.port: http                  | server.port: must be an integer in 0..65535, got 'http'",
        "server.prot: 8080                  | server.prot: unknown configuration key",
        "storage.type: mysql                | storage.type: must be embedded or postgres, got 'mysql'",
        "keys.algorithm: HS256              | keys.algorithm: must be ES256, EdDSA or RS256, got 'HS256'",
        "keys.rotation-period: soon         | keys.rotation-period: must be a positive duration such as 30s, 15m, 12h or 30d, got 'soon'",
        "keys.rotation-period: 12h          | keys.rotation-period: must be longer than keys.publish-ahead",
        "audit.failure-mode: sometimes      | audit.failure-mode: must be fail-closed or fail-open, got 'sometimes'",
        "logging.format: xml                | logging.format: must be json or text, got 'xml'",
        "server.tls.enabled: maybe          | server.tls.enabled: must be true or false, got 'maybe'",
        "server.tls.enabled: true           | server.tls.certificate: must not be empty",
    })
    void badValuesAreRefusedNamingTheKey(String yamlLine, String expectedMessage) throws IOException {
        String[] parts = yamlLine.split("\\.", 2);
        Path file = write(nest(yamlLine));
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()));
        assertEquals(expectedMessage, error.getMessage(), "for " + parts[0]);
    }

    @Test
    void postgresWithoutUrlIsRefused() {
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("AEGIS_STORAGE_TYPE", "postgres"), Map.of()));
        assertEquals("storage.postgres.url: must not be empty", error.getMessage());
    }

    @Test
    void aBadValueOfASecretKeyIsNeverEchoed() {
        // The password itself is free-form, so provoke an error on a neighbouring key and check the message.
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("AEGIS_STORAGE_TYPE", "postgres", "AEGIS_STORAGE_POSTGRES_URL", "mysql://x",
                        "AEGIS_STORAGE_POSTGRES_PASSWORD", "hunter2-secret"), Map.of()));
        assertFalse(error.getMessage().contains("hunter2"));
    }

    @Test
    void aKeyWrittenTwiceIsRefused() throws IOException {
        Path file = write("server:\n  port: 9000\n  port: 9001\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()));
        assertTrue(error.getMessage().contains("Duplicate field 'port'"), error.getMessage());
    }

    @Test
    void aDatabaseUrlCarryingCredentialsIsRefusedWithoutEchoingIt() {
        for (String url : new String[] {"jdbc:postgresql://aegis:hunter2@db/aegis", "jdbc:postgresql://db/aegis?password=hunter2"}) {
            ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of(
                    "AEGIS_STORAGE_TYPE", "postgres", "AEGIS_STORAGE_POSTGRES_URL", url,
                    "AEGIS_STORAGE_POSTGRES_USER", "aegis"), Map.of()));
            assertEquals("storage.postgres.url: must not contain credentials; set storage.postgres.user and "
                    + "storage.postgres.password", error.getMessage());
        }
    }

    @Test
    void retiredKeysAreKeptForTheLargestSkewAnyVerifierAllows() {
        AegisConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertEquals(dev.aegis.core.api.keys.RotationPolicy.MAX_CLOCK_SKEW, config.rotationPolicy().clockSkew());
    }

    @Test
    void mutualTlsNeedsAClientCa() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "x");
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of(
                "AEGIS_SERVER_TLS_ENABLED", "true", "AEGIS_SERVER_TLS_CERTIFICATE", cert.toString(),
                "AEGIS_SERVER_TLS_PRIVATE_KEY", key.toString(), "AEGIS_SERVER_TLS_CLIENT_AUTH", "required"), Map.of()));
        assertEquals("server.tls.client-ca: is required when server.tls.client-auth is required", error.getMessage());
    }

    @Test
    void malformedYamlNamesTheFile() throws IOException {
        Path file = write("server:\n  port: [1, 2\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()));
        assertTrue(error.getMessage().startsWith(file + ": cannot read configuration"), error.getMessage());
    }

    @Test
    void aListWhereAValueBelongsIsRefused() throws IOException {
        Path file = write("server:\n  host: [a, b]\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()));
        assertEquals("server.host: must be a single value, not a list", error.getMessage());
    }

    /** Turns {@code a.b.c: v} into nested YAML, so the table reads like the keys operators write. */
    private static String nest(String dotted) {
        int colon = dotted.indexOf(':');
        String[] path = dotted.substring(0, colon).strip().split("\\.");
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < path.length; i++) {
            yaml.append("  ".repeat(i)).append(path[i]).append(':');
            yaml.append(i == path.length - 1 ? " " + dotted.substring(colon + 1).strip() : "").append('\n');
        }
        return yaml.toString();
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("aegis.yaml"), yaml);
    }
}
