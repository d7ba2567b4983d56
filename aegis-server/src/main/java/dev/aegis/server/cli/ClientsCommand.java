package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis clients create|list|show|delete|rotate-secret}: OAuth clients and service accounts via the admin API. */
@Command(name = "clients", description = "Manage OAuth clients and service accounts (admin API).",
        subcommands = {ClientsCommand.Create.class, ClientsCommand.ListClients.class, ClientsCommand.Show.class,
                ClientsCommand.Delete.class, ClientsCommand.RotateSecret.class})
public final class ClientsCommand implements Runnable {
    private static final String CLIENTS = "/admin/v1/clients";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list, show, delete, rotate-secret");
    }

    @Command(name = "create", description = "Register a client; prints its client_secret once.")
    static final class Create extends AdminCall {
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
        int send() {
            ObjectNode body = AdminClient.object();
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
            return post(CLIENTS, body);
        }
    }

    @Command(name = "list", description = "List the registered clients.")
    static final class ListClients extends AdminCall {
        @Override
        int send() {
            return get(CLIENTS);
        }
    }

    @Command(name = "show", description = "Show one client.")
    static final class Show extends AdminCall {
        @Parameters(paramLabel = "CLIENT_ID")
        String id;

        @Override
        int send() {
            return get(CLIENTS + "/" + AdminClient.segment(id));
        }
    }

    @Command(name = "delete", description = "Delete a client.")
    static final class Delete extends AdminCall {
        @Parameters(paramLabel = "CLIENT_ID")
        String id;

        @Override
        int send() {
            return delete(CLIENTS + "/" + AdminClient.segment(id), "deleted client " + id);
        }
    }

    @Command(name = "rotate-secret", description = "Issue a new client secret (the old one stops working); prints it once.")
    static final class RotateSecret extends AdminCall {
        @Parameters(paramLabel = "CLIENT_ID")
        String id;

        @Override
        int send() {
            return post(CLIENTS + "/" + AdminClient.segment(id) + "/secret", AdminClient.object());
        }
    }

    /** Adds {@code values} as a JSON array named {@code name}, unless there are none. */
    static void array(ObjectNode body, String name, List<String> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode a = body.putArray(name);
            values.forEach(a::add);
        }
    }
}
