package dev.aegis.server.cli;

import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.server.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code aegis version}: the build version, the Java runtime and the crypto provider that would be used. */
@Command(name = "version", description = "Print the version, Java runtime and crypto provider.")
public final class VersionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LogSetup.quiet();
        CryptoProviders.installPreferred();
        spec.commandLine().getOut().println("aegis " + Version.current() + " (Java " + Runtime.version()
                + ", crypto provider " + CryptoProviders.active() + ")");
        return ExitCode.OK;
    }

    /** Feeds {@code aegis --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"aegis " + Version.current()};
        }
    }
}
