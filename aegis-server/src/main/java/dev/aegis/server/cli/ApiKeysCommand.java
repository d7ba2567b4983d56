package dev.aegis.server.cli;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.gateway.api.ApiKeyInfo;
import dev.aegis.gateway.api.ApiKeyRegistry;
import dev.aegis.gateway.api.CreatedApiKey;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis apikeys create|list|revoke}: the gateway's API keys (seed 002), on the configured database
 * (works beside a running server). Every action is audited as {@code cli}; a revocation is published as
 * {@code apikey.revoked} so running gateways drop the key at once. The key is printed once, on create.
 */
@Command(name = "apikeys", description = "Manage the gateway's API keys.",
        subcommands = {ApiKeysCommand.Create.class, ApiKeysCommand.ListKeys.class, ApiKeysCommand.Revoke.class})
public final class ApiKeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list or revoke");
    }

    /** One API-key action on the configured database, with its platform session and the key registry. */
    @FunctionalInterface
    interface KeyAction {
        int run(PlatformSession session, ApiKeyRegistry keys);
    }

    /** Runs {@code action} with quiet logging on a session of the configured database, closed afterwards. */
    static int withKeys(ConfigOptions options, KeyAction action) {
        LogSetup.quiet();
        try (PlatformSession s = new PlatformSession(options.load(Map.of()), 2)) {
            return action.run(s, new ApiKeyRegistry(s.store, s.audit::fingerprint, Clock.systemUTC()));
        }
    }

    static void audit(PlatformSession s, String action, String resource) {
        try {
            s.audit.record(AuditEvent.builder(action).actor("cli").resource(resource).decision(AuditDecision.ALLOW)
                    .reason("operator command").service("aegis-cli").build());
        } catch (AuditUnavailableException e) {
            throw new IllegalStateException("the audit trail is unavailable: " + e.getMessage());
        }
    }

    @Command(name = "create", description = "Create an API key; prints it once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Option(names = "--consumer", required = true, description = "who holds the key")
        String consumer;
        @Option(names = "--route", split = ",", description = "route ids it may call (default: all)")
        List<String> routes;
        @Option(names = "--method", split = ",", description = "methods it may use (default: all)")
        List<String> methods;
        @Option(names = "--limit", description = "per-key requests per --window (default: none)")
        int limit;
        @Option(names = "--window", description = "per-key window in seconds (default 60)")
        long window = 60;
        @Option(names = "--expires-in", description = "lifetime in days (default: no expiry)")
        Integer days;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return withKeys(options, (s, keys) -> {
                CreatedApiKey k = keys.create(consumer, new LinkedHashSet<>(routes == null ? List.of("*") : routes),
                        new LinkedHashSet<>(methods == null ? List.of("*") : methods), limit, Duration.ofSeconds(window),
                        days == null ? null : Instant.now().plus(Duration.ofDays(days)));
                audit(s, "apikey.create", "apikey:" + k.info().keyId());
                PrintWriter out = spec.commandLine().getOut();
                out.println("key id:   " + k.info().keyId());
                out.println("consumer: " + consumer);
                out.println("key (shown only this once; send it as X-API-Key):");
                out.println("  " + k.revealKey());
                return ExitCode.OK;
            });
        }
    }

    @Command(name = "list", description = "List API keys (never the keys themselves).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Option(names = "--consumer", description = "only this consumer's keys")
        String consumer;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return withKeys(options, (s, keys) -> {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%-14s %-20s %-8s %-20s %-12s %s%n", "KEY ID", "CONSUMER", "STATUS", "ROUTES", "METHODS", "EXPIRES");
                Instant now = Instant.now();
                for (ApiKeyInfo k : keys.list(consumer)) {
                    out.printf("%-14s %-20s %-8s %-20s %-12s %s%n", k.keyId(), k.consumer(),
                            k.revokedAt() != null ? "revoked" : k.activeAt(now) ? "active" : "expired",
                            String.join(",", k.routes()), String.join(",", k.methods()),
                            k.expiresAt() == null ? "-" : k.expiresAt().toString());
                }
                return ExitCode.OK;
            });
        }
    }

    @Command(name = "revoke", description = "Revoke an API key at once on every gateway.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Parameters(paramLabel = "KEY_ID")
        String keyId;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return withKeys(options, (s, keys) -> {
                if (!keys.revoke(keyId)) {
                    spec.commandLine().getErr().println("aegis: no active API key " + keyId);
                    return ExitCode.FAILURE;
                }
                s.events.publish("apikey.revoked", keyId, Map.of());
                audit(s, "apikey.revoke", "apikey:" + keyId);
                spec.commandLine().getOut().println("revoked " + keyId);
                return ExitCode.OK;
            });
        }
    }
}
