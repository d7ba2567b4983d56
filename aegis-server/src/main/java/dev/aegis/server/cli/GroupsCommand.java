package dev.aegis.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis groups create|list|delete|add-member}: user groups via the admin API. */
@Command(name = "groups", description = "Manage user groups (admin API).",
        subcommands = {GroupsCommand.Create.class, GroupsCommand.ListGroups.class, GroupsCommand.Delete.class,
                GroupsCommand.AddMember.class})
public final class GroupsCommand implements Runnable {
    private static final String GROUPS = "/admin/v1/groups";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list, delete, add-member");
    }

    @Command(name = "create", description = "Create a group.")
    static final class Create extends AdminCall {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--description")
        String description = "";

        @Override
        int send() {
            return post(GROUPS, AdminClient.object().put("name", name).put("description", description));
        }
    }

    @Command(name = "list", description = "List groups.")
    static final class ListGroups extends AdminCall {
        @Override
        int send() {
            return get(GROUPS);
        }
    }

    @Command(name = "delete", description = "Delete a group.")
    static final class Delete extends AdminCall {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int send() {
            return delete(GROUPS + "/" + AdminClient.segment(name), "deleted group " + name);
        }
    }

    @Command(name = "add-member", description = "Add a user to a group.")
    static final class AddMember extends AdminCall {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;
        @Parameters(index = "1", paramLabel = "USER_ID")
        String userId;

        @Override
        int send() {
            return post(GROUPS + "/" + AdminClient.segment(group) + "/members", AdminClient.object().put("user_id", userId));
        }
    }
}
