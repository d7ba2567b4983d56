package dev.aegis.server.cli;

import dev.aegis.server.config.AegisConfig;
import dev.aegis.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every command that reads the configuration shares. Without {@code --config}, {@code aegis.yaml}
 * in the working directory is used when it exists. Command-line options win over the environment.
 */
public final class ConfigOptions {
    static final Path DEFAULT_FILE = Path.of("aegis.yaml");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file (default: ./aegis.yaml if present)")
    Path file;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR", description = "data directory (default: ./data)")
    Path dataDir;

    @Option(names = "--verbose", description = "print the cause of an error")
    boolean verbose;

    /** Loads the configuration with the process environment. */
    AegisConfig load(Map<String, String> extraOverrides) {
        Optional<Path> configFile = Optional.ofNullable(file);
        if (configFile.isEmpty() && Files.isRegularFile(DEFAULT_FILE)) {
            configFile = Optional.of(DEFAULT_FILE);
        }
        Map<String, String> overrides = new LinkedHashMap<>(extraOverrides);
        if (dataDir != null) {
            overrides.put("data-dir", dataDir.toString());
        }
        return ConfigLoader.load(configFile, System.getenv(), overrides);
    }
}
