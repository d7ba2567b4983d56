package dev.aegis.server.cli;

import dev.aegis.server.config.ConfigException;
import picocli.CommandLine;

/** The exit codes of the CLI and the one-line error reporting shared by every command. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private ExitCode() {
    }

    public static int forException(Throwable error) {
        return error instanceof ConfigException || error instanceof CommandLine.ParameterException ? USAGE : FAILURE;
    }

    /** Prints {@code aegis: <reason>} (and, with --verbose, the stack) instead of a raw stack trace. */
    public static int reportFailure(Exception error, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        commandLine.getErr().println("aegis: " + (error.getMessage() == null ? error.toString() : error.getMessage()));
        if (parseResult.hasMatchedOption("--verbose") || hasVerbose(parseResult)) {
            error.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return forException(error);
    }

    private static boolean hasVerbose(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult sub = parseResult;
        while (sub != null) {
            if (sub.hasMatchedOption("--verbose")) {
                return true;
            }
            sub = sub.subcommand();
        }
        return false;
    }
}
