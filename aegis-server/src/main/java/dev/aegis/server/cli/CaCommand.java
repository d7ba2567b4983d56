package dev.aegis.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code aegis ca show|rotate}: the workload CA's generations. */
@Command(name = "ca", description = "Show or rotate the workload CA.", subcommands = {CaCommand.Show.class, CaCommand.Rotate.class})
public final class CaCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code aegis ca show}. */
    @Command(name = "show", description = "Show the CA generations (PENDING, ACTIVE, RETIRED) with their SPKI pins.")
    public static final class Show extends AdminCall {
        @Override
        int send() {
            return get("/admin/v1/ca");
        }
    }

    /** {@code aegis ca rotate}. */
    @Command(name = "rotate", description = "Start a CA rotation: the new CA is published now and issues after pki.ca.publish-ahead.")
    public static final class Rotate extends AdminCall {
        @Override
        int send() {
            return post("/admin/v1/ca/rotate", AdminClient.object());
        }
    }
}
