package dev.aegis.server.cli;

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
    public static final class Show extends AdminCall {
        @CommandLine.Option(names = "--federated", description = "the bundles of federated trust domains")
        boolean federated;

        @Override
        int send() {
            return getPublic(federated ? "/pki/v1/federation/bundles" : "/pki/v1/bundle");
        }
    }
}
