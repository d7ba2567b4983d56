package dev.aegis.examples.api;

import java.util.concurrent.CountDownLatch;

/** The shared {@code main} of the fleet services: start from the environment, stop on SIGINT/SIGTERM. */
final class FleetMain {
    private FleetMain() {
    }

    static void run(FleetService service) throws Exception {
        RunningService running = RunningService.start(ServiceSettings.fromEnvironment(service, System.getenv()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }));
        System.out.println(service.id() + " listening on " + running.uri() + " as " + running.spiffeId());
        stopped.await();
    }
}
