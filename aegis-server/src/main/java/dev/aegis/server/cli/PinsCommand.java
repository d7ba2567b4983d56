package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis pins show|publish|unpin|approve}: signed pin policies and the two-admin emergency unpin. */
@Command(name = "pins", description = "Show and publish pin policies; request and approve an emergency unpin.",
        subcommands = {PinsCommand.Show.class, PinsCommand.Publish.class, PinsCommand.Unpin.class, PinsCommand.Approve.class})
public final class PinsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code aegis pins show}. */
    @Command(name = "show", description = "Show the pin policies and unpins in force.")
    public static final class Show extends AdminCall {
        @Override
        int send() {
            return get("/admin/v1/pins");
        }
    }

    /** {@code aegis pins publish SCOPE --pin P... --backup-pin B... [--ttl 30d]}. */
    @Command(name = "publish", description = "Publish the next version of a scope's pin policy (at least one backup pin).")
    public static final class Publish extends AdminCall {
        @Parameters(index = "0", description = "scope: spiffe://<trust-domain> or a workload's SPIFFE ID")
        String scope;
        @Option(names = "--pin", required = true, description = "base64 SHA-256 of a SubjectPublicKeyInfo (repeatable)")
        List<String> pins = new ArrayList<>();
        @Option(names = "--backup-pin", required = true, description = "backup pin, not among --pin (repeatable)")
        List<String> backup = new ArrayList<>();
        @Option(names = "--ttl", description = "how long the policy is in force (default 30d, at most 90d)")
        String ttl;

        @Override
        int send() {
            ObjectNode body = AdminClient.object().put("scope", scope);
            ArrayNode p = body.putArray("pins");
            pins.forEach(p::add);
            ArrayNode b = body.putArray("backupPins");
            backup.forEach(b::add);
            if (ttl != null) {
                body.put("ttl", ttl);
            }
            return post("/admin/v1/pins", body);
        }
    }

    /** {@code aegis pins unpin SCOPE --reason TEXT [--duration 1h]}. */
    @Command(name = "unpin", description = "Request an emergency unpin; a second, different admin must approve it.")
    public static final class Unpin extends AdminCall {
        @Parameters(index = "0", description = "scope to unpin")
        String scope;
        @Option(names = "--reason", required = true, description = "why (audited)")
        String reason;
        @Option(names = "--duration", description = "how long pinning stays off (default 1h, at most 24h)")
        String duration;

        @Override
        int send() {
            ObjectNode body = AdminClient.object().put("scope", scope).put("reason", reason);
            if (duration != null) {
                body.put("duration", duration);
            }
            return post("/admin/v1/pins/unpin", body);
        }
    }

    /** {@code aegis pins approve REQUEST_ID}. */
    @Command(name = "approve", description = "Approve another admin's emergency unpin request.")
    public static final class Approve extends AdminCall {
        @Parameters(index = "0", description = "the request id printed by 'aegis pins unpin'")
        String requestId;

        @Override
        int send() {
            return post("/admin/v1/pins/unpin/approve", AdminClient.object().put("requestId", requestId));
        }
    }
}
