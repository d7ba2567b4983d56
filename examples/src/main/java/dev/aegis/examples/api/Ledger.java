package dev.aegis.examples.api;

/**
 * The ledger service of the demo fleet ({@link FleetService#LEDGER}) as a program of its own; the settings come
 * from the environment ({@link ServiceSettings#fromEnvironment}). In one JVM, use {@link RunningService#start}.
 */
public final class Ledger {
    private Ledger() {
    }

    /** Starts the service and runs until the process is stopped. */
    public static void main(String[] args) throws Exception {
        FleetMain.run(FleetService.LEDGER);
    }
}
