package dev.aegis.server.cli;

import sun.misc.Signal;

/**
 * Runs a graceful stop on SIGINT and SIGTERM <em>before</em> the JVM's shutdown sequence begins. A plain
 * shutdown hook would race H2's own hook, which closes the embedded database while the audit queue is still
 * draining; handling the signal ourselves lets Aegis drain, close, then exit.
 */
final class ShutdownSignals {
    private ShutdownSignals() {
    }

    static void onTerminate(Runnable stop) {
        Runnable once = new Runnable() {
            private final java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();

            @Override
            public void run() {
                if (ran.compareAndSet(false, true)) {
                    stop.run();
                }
            }
        };
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> once.run());
            } catch (IllegalArgumentException e) {
                // Signal not available on this platform: the shutdown hook below still stops Aegis.
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(once, "aegis-shutdown"));
    }
}
