package dev.aegis.server.cli;

import dev.aegis.server.demo.DemoReadyFile;
import dev.aegis.server.demo.DemoStep;
import dev.aegis.server.demo.DemoSystem;
import dev.aegis.server.demo.DemoWalk;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aegis demo}: starts the control plane, the gateway and the demo fleet on the embedded default in a
 * temporary directory (TLS on every listener), walks the request flow of issue 6 and prints each step and its
 * outcome. Exit 0 when every step behaved, 1 otherwise. With {@code --keep-running} the system stays up (until
 * SIGINT/SIGTERM) for a load generator; {@code --ready-file} tells it where everything is (examples/README.md).
 */
@Command(name = "demo", description = "Start control plane, gateway and the demo fleet; walk the zero-trust request flow.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep-running", description = "keep the system running after the walk (Ctrl+C stops it)")
    boolean keepRunning;

    @Option(names = "--ready-file", paramLabel = "PATH",
            description = "write URLs, CA file and credentials for a load generator here once the system is up (JSON)")
    Path readyFile;

    @Option(names = "--skip-walk", description = "start the system (and write the ready file) without walking the flow")
    boolean skipWalk;

    @Option(names = "--dir", paramLabel = "DIR", description = "working directory (default: a new temporary directory)")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LogSetup.quiet();
        PrintWriter out = spec.commandLine().getOut();
        Path workDir = dir != null ? dir : Files.createTempDirectory("aegis-demo-");
        out.println("Starting Aegis (control plane, gateway) and the fleet orders -> payments -> ledger in " + workDir);
        out.flush();
        long started = System.nanoTime();
        try (DemoSystem demo = DemoSystem.start(workDir)) {
            out.printf("  control plane %s (workload mTLS %s)%n  gateway       %s%n", demo.controlPlaneUrl(),
                    demo.server().mtlsUrl(), demo.gatewayUrl());
            for (var s : dev.aegis.examples.api.FleetService.values()) {
                out.printf("  %-13s %s as %s%n", s.id(), demo.service(s).uri(), demo.service(s).spiffeId());
            }
            out.printf("  up in %.1f s; CA bundle %s%n%n", (System.nanoTime() - started) / 1e9, demo.caFile());
            if (readyFile != null) {
                DemoReadyFile.write(readyFile, demo);
                out.println("Ready file: " + readyFile);
            }
            out.flush();
            boolean allOk = true;
            if (!skipWalk) {
                List<DemoStep> steps = new DemoWalk(demo, step -> {
                    out.println((step.ok() ? "[ ok ] " : "[FAIL] ") + step.name());
                    out.println("       " + step.detail());
                    out.flush();
                }).run();
                allOk = steps.size() == DemoWalk.STEPS && steps.stream().allMatch(DemoStep::ok);
                out.println();
                out.println(allOk ? "All steps behaved." : "Some steps misbehaved.");
            }
            if (keepRunning) {
                out.println("Running; press Ctrl+C to stop.");
                out.flush();
                CountDownLatch stopped = new CountDownLatch(1);
                ShutdownSignals.onTerminate(stopped::countDown);
                stopped.await();
            }
            return allOk ? ExitCode.OK : ExitCode.FAILURE;
        }
    }
}
