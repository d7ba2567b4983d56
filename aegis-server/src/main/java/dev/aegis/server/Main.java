package dev.aegis.server;

import dev.aegis.server.cli.ApiKeysCommand;
import dev.aegis.server.cli.AuditCommand;
import dev.aegis.server.cli.AuthzCommand;
import dev.aegis.server.cli.BundleCommand;
import dev.aegis.server.cli.CaCommand;
import dev.aegis.server.cli.ClientsCommand;
import dev.aegis.server.cli.JoinTokenCommand;
import dev.aegis.server.cli.PinsCommand;
import dev.aegis.server.cli.WorkloadsCommand;
import dev.aegis.server.cli.ConfigCommand;
import dev.aegis.server.cli.DemoCommand;
import dev.aegis.server.cli.ExitCode;
import dev.aegis.server.cli.GroupsCommand;
import dev.aegis.server.cli.KvCommand;
import dev.aegis.server.cli.LoginCommand;
import dev.aegis.server.cli.OperatorCommand;
import dev.aegis.server.cli.TransitCommand;
import dev.aegis.server.cli.GatewayCommand;
import dev.aegis.server.cli.UpCommand;
import dev.aegis.server.cli.UsersCommand;
import dev.aegis.server.cli.VersionCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code aegis} command line. Exit codes: 0 success, 1 operational failure (including a broken audit
 * chain), 2 usage or configuration error. Errors are one line on stderr; {@code --verbose} adds the cause.
 */
@Command(name = "aegis", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Aegis: zero-trust security platform for microservices.",
        subcommands = {UpCommand.class, AuditCommand.class, ConfigCommand.class, VersionCommand.class,
                ClientsCommand.class, UsersCommand.class, GroupsCommand.class, AuthzCommand.class, LoginCommand.class,
                OperatorCommand.class, KvCommand.class, TransitCommand.class, GatewayCommand.class, ApiKeysCommand.class,
                WorkloadsCommand.class, JoinTokenCommand.class, CaCommand.class, BundleCommand.class, PinsCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI on the process's stdout/stderr and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the CLI writing to {@code out} and {@code err}; returns its exit code (tests call this). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(ExitCode::forException);
        commandLine.setExecutionExceptionHandler(ExitCode::reportFailure);
        commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitCode.USAGE);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try: aegis up, aegis --help)");
    }
}
