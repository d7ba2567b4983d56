package dev.aegis.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis groups create|list|delete|add-member}: user groups via the admin API. */
@Command(name = "groups", description = "Manage user groups (admin API).",
        subcommands = {GroupsCommand.Create.class, GroupsCommand.ListGroups.class, GroupsCommand.Delete.class,
                GroupsCommand.AddMember.class})
public final class GroupsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list, delete, add-member");
    }

    @Command(name = "create", description = "Create a group.")
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--description")
        String description = "";

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.post("/admin/v1/groups",
                    AdminClient.JSON.createObjectNode().put("name", name).put("description", description)));
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List groups.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.get("/admin/v1/groups"));
            return ExitCode.OK;
        }
    }

    @Command(name = "delete", description = "Delete a group.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            admin.delete("/admin/v1/groups/" + AdminClient.segment(name));
            spec.commandLine().getOut().println("deleted group " + name);
            return ExitCode.OK;
        }
    }

    @Command(name = "add-member", description = "Add a user to a group.")
    static final class AddMember implements Callable<Integer> {
        @Mixin
        AdminClient admin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;
        @Parameters(index = "1", paramLabel = "USER_ID")
        String userId;

        @Override
        public Integer call() {
            AdminClient.print(spec, admin.post("/admin/v1/groups/" + AdminClient.segment(group) + "/members",
                    AdminClient.JSON.createObjectNode().put("user_id", userId)));
            return ExitCode.OK;
        }
    }
}
