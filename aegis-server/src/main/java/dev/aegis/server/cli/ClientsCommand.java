package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis clients create|list|show|delete|rotate-secret}: OAuth clients and service accounts via the admin API. */
@Command(name = "clients", description = "Manage OAuth clients and service accounts (admin API).",
        subcommands = {ClientsCommand.Create.class, ClientsCommand.ListClients.class, ClientsCommand.Show.class,
                ClientsCommand.Delete.class, ClientsCommand.RotateSecret.class})
public final class ClientsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list, show, delete, rotate-secret");
    }

    @Command(name = "create", description = "Register a client; prints its client_secret once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--id", description = "client_id (default: generated)")
        String id;
        @Option(names = "--name", description = "display name")
        String name;
        @Option(names = "--grant", description = "allowed grant type (repeatable; default client_credentials)")
        List<String> grants;
        @Option(names = "--scope", description = "allowed scope (repeatable)")
        List<String> scopes;
        @Option(names = "--redirect-uri", description = "registered redirect URI (repeatable)")
        List<String> redirectUris;
        @Option(names = "--audience", description = "audience its tokens may name (repeatable)")
        List<String> audiences;
        @Option(names = "--auth-method", description = "client_secret_basic (default), client_secret_post, private_key_jwt, none")
        String authMethod;
        @Option(names = "--public", description = "a public client (no secret, PKCE only)")
        boolean publicClient;
        @Option(names = "--first-party", description = "skip the consent screen")
        boolean firstParty;
        @Option(names = "--require-dpop", description = "tokens must be DPoP-bound")
        boolean requireDpop;
        @Option(names = "--access-token-lifetime", description = "seconds (default 300)")
        Integer accessTtl;

        @Override
        public Integer call() {
            ObjectNode body = AdminClient.JSON.createObjectNode();
            if (id != null) {
                body.put("client_id", id);
            }
            if (name != null) {
                body.put("client_name", name);
            }
            array(body, "grant_types", grants);
            array(body, "scopes", scopes);
            array(body, "redirect_uris", redirectUris);
            array(body, "audiences", audiences);
            if (publicClient) {
                body.put("token_endpoint_auth_method", "none");
            } else if (authMethod != null) {
                body.put("token_endpoint_auth_method", authMethod);
            }
            if (firstParty) {
                body.put("first_party", true);
            }
            if (requireDpop) {
                body.put("require_dpop", true);
            }
            if (accessTtl != null) {
                body.put("access_token_lifetime", accessTtl);
            }
            AdminClient.print(spec, admin.post("/admin/v1/clients", body));
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List the registered clients.")
    static final class ListClients implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.get("/admin/v1/clients"));
            return ExitCode.OK;
        }
    }

    @Command(name = "show", description = "Show one client.")
    static final class Show implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "CLIENT_ID")
        String id;

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.get("/admin/v1/clients/" + AdminClient.segment(id)));
            return ExitCode.OK;
        }
    }

    @Command(name = "delete", description = "Delete a client.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "CLIENT_ID")
        String id;

        @Override
        public Integer call() {
            admin.delete("/admin/v1/clients/" + AdminClient.segment(id));
            spec.commandLine().getOut().println("deleted client " + id);
            return ExitCode.OK;
        }
    }

    @Command(name = "rotate-secret", description = "Issue a new client secret (the old one stops working); prints it once.")
    static final class RotateSecret implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "CLIENT_ID")
        String id;

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.post("/admin/v1/clients/" + AdminClient.segment(id) + "/secret",
                    AdminClient.JSON.createObjectNode()));
            return ExitCode.OK;
        }
    }

    static void array(ObjectNode body, String name, List<String> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode a = body.putArray(name);
            values.forEach(a::add);
        }
    }
}
