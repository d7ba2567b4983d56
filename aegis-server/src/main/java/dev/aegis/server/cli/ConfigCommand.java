package dev.aegis.server.cli;

import dev.aegis.server.config.AegisConfig;
import dev.aegis.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aegis config check FILE}: validates a configuration file (with environment overrides) without starting. */
@Command(name = "config", description = "Configuration tools.", subcommands = ConfigCommand.Check.class)
public final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: aegis config check FILE");
    }

    @Command(name = "check", description = "Validate a configuration file; exit 2 naming the first bad key.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the YAML configuration file")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no such file: " + file);
            }
            AegisConfig config = ConfigLoader.load(Optional.of(file), System.getenv(), Map.of());
            spec.commandLine().getOut().println("configuration ok: " + file + " (storage " + config.storage()
                    + ", listen " + config.server().host() + ":" + config.server().port()
                    + (config.server().tls().isPresent() ? " with TLS" : "") + ")");
            return ExitCode.OK;
        }
    }
}
