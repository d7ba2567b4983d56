package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis workloads register|list|revoke}: workload registrations of the workload CA. */
@Command(name = "workloads", description = "Register, list and revoke workloads of the workload CA.",
        subcommands = {WorkloadsCommand.Register.class, WorkloadsCommand.ListWorkloads.class, WorkloadsCommand.Revoke.class})
public final class WorkloadsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code aegis workloads register SPIFFE_ID [--dns NAME]... [--ttl 1h] [--meta k=v]...}. */
    @Command(name = "register", description = "Register a workload (its SPIFFE ID, DNS names, SVID lifetime, metadata).")
    public static final class Register extends AdminCall {
        @Parameters(index = "0", description = "SPIFFE ID, e.g. spiffe://aegis.local/payments/api")
        String spiffeId;
        @Option(names = "--dns", description = "DNS SAN (repeatable)")
        List<String> dns = new ArrayList<>();
        @Option(names = "--ttl", description = "SVID lifetime, e.g. 1h (default: pki.svid-ttl)")
        String ttl;
        @Option(names = "--meta", description = "metadata key=value (repeatable)")
        Map<String, String> meta = Map.of();

        @Override
        int send() {
            ObjectNode body = AdminClient.object().put("spiffeId", spiffeId);
            ArrayNode names = body.putArray("dnsNames");
            dns.forEach(names::add);
            if (ttl != null) {
                body.put("ttl", ttl);
            }
            ObjectNode md = body.putObject("metadata");
            meta.forEach(md::put);
            return post("/admin/v1/workloads", body);
        }
    }

    /** {@code aegis workloads list}. */
    @Command(name = "list", description = "List registered workloads.")
    public static final class ListWorkloads extends AdminCall {
        @Override
        int send() {
            return get("/admin/v1/workloads");
        }
    }

    /** {@code aegis workloads revoke (SPIFFE_ID | --serial HEX)}. */
    @Command(name = "revoke", description = "Revoke a workload (all its SVIDs and renewals) or one SVID by serial.")
    public static final class Revoke extends AdminCall {
        @Parameters(index = "0", arity = "0..1", description = "SPIFFE ID of the workload")
        String spiffeId;
        @Option(names = "--serial", description = "serial number (hex) of one SVID")
        String serial;

        @Override
        int send() {
            if ((spiffeId == null) == (serial == null)) {
                spec.commandLine().getErr().println("aegis: give either a SPIFFE ID or --serial");
                return ExitCode.USAGE;
            }
            ObjectNode body = serial != null ? AdminClient.object().put("serial", serial) : AdminClient.object().put("spiffeId", spiffeId);
            return post("/admin/v1/workloads/revoke", body);
        }
    }
}
