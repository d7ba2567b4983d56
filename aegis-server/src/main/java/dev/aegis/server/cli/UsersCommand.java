package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis users create|list|show|delete} and {@code aegis groups create|list|delete|add-member}: users
 * (Argon2id passwords, roles, groups, attributes) via the admin API. The password is read from standard input
 * or {@code $AEGIS_USER_PASSWORD}, never from the command line.
 */
@Command(name = "users", description = "Manage users (admin API).",
        subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Show.class, UsersCommand.Delete.class,
                UsersCommand.EnrolTotp.class})
public final class UsersCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list, show, delete, enroll-totp");
    }

    @Command(name = "create", description = "Create a user; the password comes from stdin or $AEGIS_USER_PASSWORD.")
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
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
        public Integer call() throws IOException {
            String password = System.getenv("AEGIS_USER_PASSWORD");
            if (password == null) {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            if (password == null || password.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no password on stdin or in AEGIS_USER_PASSWORD");
            }
            ObjectNode body = AdminClient.JSON.createObjectNode().put("username", username).put("password", password);
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
            AdminClient.print(spec, admin.post("/admin/v1/users", body));
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.get("/admin/v1/users"));
            return ExitCode.OK;
        }
    }

    @Command(name = "show", description = "Show one user.")
    static final class Show implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "USER_ID")
        String id;

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.get("/admin/v1/users/" + AdminClient.segment(id)));
            return ExitCode.OK;
        }
    }

    @Command(name = "enroll-totp", description = "Enrol a user in the TOTP second factor; prints the otpauth:// URI once.")
    static final class EnrolTotp implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "USER_ID")
        String id;

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.post("/admin/v1/users/" + AdminClient.segment(id) + "/totp",
                    AdminClient.JSON.createObjectNode()));
            return ExitCode.OK;
        }
    }

    @Command(name = "delete", description = "Delete a user.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "USER_ID")
        String id;

        @Override
        public Integer call() {
            admin.delete("/admin/v1/users/" + AdminClient.segment(id));
            spec.commandLine().getOut().println("deleted user " + id);
            return ExitCode.OK;
        }
    }
}
