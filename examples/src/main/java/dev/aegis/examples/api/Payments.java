package dev.aegis.examples.api;

/**
 * The payments service of the demo fleet ({@link FleetService#PAYMENTS}) as a program of its own; the settings come
 * from the environment ({@link ServiceSettings#fromEnvironment}). In one JVM, use {@link RunningService#start}.
 */
public final class Payments {
    private Payments() {
    }

    /** Starts the service and runs until the process is stopped. */
    public static void main(String[] args) throws Exception {
        FleetMain.run(FleetService.PAYMENTS);
    }
}
