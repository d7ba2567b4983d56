package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis users create|list|show|delete|enroll-totp}: users (Argon2id passwords, roles, groups, attributes)
 * via the admin API. The password is read from standard input
 * or {@code $AEGIS_USER_PASSWORD}, never from the command line.
 */
@Command(name = "users", description = "Manage users (admin API).",
        subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Show.class, UsersCommand.Delete.class,
                UsersCommand.EnrolTotp.class})
public final class UsersCommand implements Runnable {
    private static final String USERS = "/admin/v1/users";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list, show, delete, enroll-totp");
    }

    @Command(name = "create", description = "Create a user; the password comes from stdin or $AEGIS_USER_PASSWORD.")
    static final class Create extends AdminCall {
        @Option(names = "--username", required = true)
        String username;
        @Option(names = "--email")
        String email;
        @Option(names = "--display-name")
        String displayName;
        @Option(names = "--role", description = "role (repeatable)")
        List<String> roles;
        @Option(names = "--group", description = "existing group (repeatable)")
        List<String> groups;
        @Option(names = "--attribute", description = "attribute name=value (repeatable), e.g. department=eng")
        Map<String, String> attributes;

        @Override
        int send() throws IOException {
            String password = System.getenv("AEGIS_USER_PASSWORD");
            if (password == null) {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            if (password == null || password.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no password on stdin or in AEGIS_USER_PASSWORD");
            }
            ObjectNode body = AdminClient.object().put("username", username).put("password", password);
            if (email != null) {
                body.put("email", email);
            }
            if (displayName != null) {
                body.put("display_name", displayName);
            }
            ClientsCommand.array(body, "roles", roles);
            ClientsCommand.array(body, "groups", groups);
            if (attributes != null) {
                ObjectNode attrs = body.putObject("attributes");
                attributes.forEach(attrs::put);
            }
            return post(USERS, body);
        }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers extends AdminCall {
        @Override
        int send() {
            return get(USERS);
        }
    }

    @Command(name = "show", description = "Show one user.")
    static final class Show extends AdminCall {
        @Parameters(paramLabel = "USER_ID")
        String id;

        @Override
        int send() {
            return get(USERS + "/" + AdminClient.segment(id));
        }
    }

    @Command(name = "enroll-totp", description = "Enrol a user in the TOTP second factor; prints the otpauth:// URI once.")
    static final class EnrolTotp extends AdminCall {
        @Parameters(paramLabel = "USER_ID")
        String id;

        @Override
        int send() {
            return post(USERS + "/" + AdminClient.segment(id) + "/totp", AdminClient.object());
        }
    }

    @Command(name = "delete", description = "Delete a user.")
    static final class Delete extends AdminCall {
        @Parameters(paramLabel = "USER_ID")
        String id;

        @Override
        int send() {
            return delete(USERS + "/" + AdminClient.segment(id), "deleted user " + id);
        }
    }
}
