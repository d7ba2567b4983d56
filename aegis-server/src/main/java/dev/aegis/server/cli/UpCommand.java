package dev.aegis.server.cli;

import dev.aegis.server.AegisServer;
import dev.aegis.server.config.AegisConfig;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aegis up}: starts the control plane on the configured storage (the embedded file database under
 * {@code ./data} by default), prints its URLs and, on the first start, the one-time bootstrap admin
 * credential, then runs until SIGINT/SIGTERM and shuts down gracefully.
 */
@Command(name = "up", description = "Start Aegis (embedded default: file database under ./data, 127.0.0.1:8443).")
public final class UpCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "listen port (0 picks a free one)")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "listen address (default 127.0.0.1)")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (port != null) {
            overrides.put("server.port", port.toString());
        }
        if (host != null) {
            overrides.put("server.host", host);
        }
        AegisConfig config = options.load(overrides);
        LogSetup.apply(config.logging());
        AegisServer server = AegisServer.start(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        ShutdownSignals.onTerminate(() -> {
            server.close();
            stopped.countDown();
        });
        // With audit records on stdout, the banner must not corrupt that stream.
        PrintStream console = config.audit().jsonLines().filter("stdout"::equals).isPresent() ? System.err : System.out;
        printBanner(console, server);
        stopped.await();
        return ExitCode.OK;
    }

    private static void printBanner(PrintStream console, AegisServer server) {
        String base = server.baseUrl();
        console.println();
        console.println("Aegis is up (" + server.config().storage() + ", data in " + server.config().dataDir().toAbsolutePath().normalize() + ")");
        console.println("  health     " + base + "/healthz");
        console.println("  readiness  " + base + "/readyz");
        console.println("  metrics    " + base + "/metrics");
        console.println("  JWKS       " + base + "/.well-known/jwks.json");
        console.println("  OpenID     " + base + "/.well-known/openid-configuration");
        console.println("  admin      " + base + "/admin/v1/status");
        server.bootstrapCredential().ifPresent(credential -> {
            // Printed to the console once, never logged: only its HMAC is stored.
            console.println();
            console.println("  Bootstrap admin credential (shown only this once; store it safely):");
            console.println("    " + credential);
            console.println("  Use it as: Authorization: Bearer <credential>");
        });
        console.println();
        console.println("Press Ctrl+C to stop.");
        console.flush();
    }
}
