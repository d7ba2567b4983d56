package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aegis operator init|unseal|seal}: the Shamir seal of the secrets manager of a running Aegis. */
@Command(name = "operator", description = "Initialise, unseal and seal the secrets manager (Shamir seal).",
        subcommands = {OperatorCommand.Init.class, OperatorCommand.Unseal.class, OperatorCommand.Seal.class,
                OperatorCommand.Status.class})
public final class OperatorCommand {

    private static void printStatus(PrintWriter out, JsonNode s) {
        out.println("Sealed        " + s.path("sealed").asBoolean());
        out.println("Initialized   " + s.path("initialized").asBoolean());
        out.println("Threshold     " + s.path("t").asInt() + " of " + s.path("n").asInt());
        out.println("Progress      " + s.path("progress").asInt() + "/" + s.path("t").asInt());
        out.flush();
    }

    @Command(name = "init", description = "Initialise the barrier: prints the unseal key shares and the initial root token once.")
    static final class Init implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--key-shares", defaultValue = "5", description = "number of shares (default 5)") int shares;
        @Option(names = "--key-threshold", defaultValue = "3", description = "shares needed to unseal (default 3)") int threshold;

        @Override
        public Integer call() throws Exception {
            JsonNode r = api.expectOk(api.call("PUT", "sys/init",
                    VaultApiClient.map("secret_shares", shares, "secret_threshold", threshold), false)).body();
            PrintWriter out = spec.commandLine().getOut();
            int i = 1;
            for (JsonNode k : r.path("keys_base64")) {
                out.println("Unseal Key " + i++ + ": " + k.asText());
            }
            out.println();
            out.println("Initial Root Token: " + r.path("root_token").asText());
            out.println();
            out.println("The barrier is sealed. Give " + threshold + " of these " + shares
                    + " keys to `aegis operator unseal` on every node. They are shown only now: store them apart.");
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "unseal", description = "Submit one unseal key share (prompted for when not given).")
    static final class Unseal implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "0..1", paramLabel = "KEY", description = "the share; omit it to type it without echo") String key;
        @Option(names = "--reset", description = "discard the shares submitted so far") boolean reset;

        @Override
        public Integer call() throws Exception {
            Object body = reset ? VaultApiClient.map("reset", true) : VaultApiClient.map("key", key != null ? key : readKey());
            JsonNode r = api.expectOk(api.call("PUT", "sys/unseal", body, false)).body();
            printStatus(spec.commandLine().getOut(), r);
            return ExitCode.OK;
        }

        private static String readKey() throws java.io.IOException {
            Console console = System.console();
            if (console != null) {
                char[] typed = console.readPassword("Unseal Key (will be hidden): ");
                return typed == null ? "" : new String(typed);
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line.strip();
        }
    }

    @Command(name = "seal", description = "Seal the barrier (needs a token allowed to update sys/seal).")
    static final class Seal implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            api.expectOk(api.call("PUT", "sys/seal", null, true));
            spec.commandLine().getOut().println("Sealed.");
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "status", description = "Show the seal status.")
    static final class Status implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            printStatus(spec.commandLine().getOut(), api.expectOk(api.call("GET", "sys/seal-status", null, false)).body());
            return ExitCode.OK;
        }
    }
}
