package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code aegis jointoken create SPIFFE_ID [--ttl 1h]}: a one-time join token for a registered workload. */
@Command(name = "jointoken", description = "Mint one-time join tokens.", subcommands = JoinTokenCommand.Create.class)
public final class JoinTokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code aegis jointoken create}. */
    @Command(name = "create", description = "Mint a one-time, expiring join token bound to a workload's SPIFFE ID (printed once).")
    public static final class Create extends AdminCall {
        @CommandLine.Parameters(index = "0", description = "SPIFFE ID of a registered workload")
        String spiffeId;
        @CommandLine.Option(names = "--ttl", description = "lifetime, e.g. 15m (default 1h, at most 24h)")
        String ttl;

        @Override
        int send() {
            ObjectNode body = AdminClient.object().put("spiffeId", spiffeId);
            if (ttl != null) {
                body.put("ttl", ttl);
            }
            return post("/admin/v1/workloads/join-tokens", body);
        }
    }
}
