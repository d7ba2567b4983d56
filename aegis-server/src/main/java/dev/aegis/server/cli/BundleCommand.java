package dev.aegis.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code aegis bundle show [--federated]}: the trust bundle in the SPIFFE bundle format. */
@Command(name = "bundle", description = "Show trust bundles.", subcommands = BundleCommand.Show.class)
public final class BundleCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code aegis bundle show}. */
    @Command(name = "show", description = "Print this trust domain's bundle (or, with --federated, the federated ones).")
    public static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        AdminClient client = new AdminClient();
        @CommandLine.Option(names = "--federated", description = "the bundles of federated trust domains")
        boolean federated;

        @Override
        public Integer call() {
            LogSetup.quiet();
            return client.call(spec, "GET", federated ? "/pki/v1/federation/bundles" : "/pki/v1/bundle", null, false);
        }
    }
}
