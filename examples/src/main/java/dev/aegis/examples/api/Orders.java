package dev.aegis.examples.api;

/**
 * The orders service of the demo fleet ({@link FleetService#ORDERS}) as a program of its own; the settings come
 * from the environment ({@link ServiceSettings#fromEnvironment}). In one JVM, use {@link RunningService#start}.
 */
public final class Orders {
    private Orders() {
    }

    /** Starts the service and runs until the process is stopped. */
    public static void main(String[] args) throws Exception {
        FleetMain.run(FleetService.ORDERS);
    }
}
