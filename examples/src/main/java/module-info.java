/**
 * The demo fleet: orders → payments → ledger, each a small HTTPS service on the JDK's {@code HttpsServer} that
 * takes part in the zero-trust flow through the Aegis SDK only. {@code dev.aegis.examples.internal} is the
 * wiring of one service and is never exported.
 */
module dev.aegis.examples {
    requires transitive dev.aegis.sdk;
    requires org.slf4j;

    exports dev.aegis.examples.api;
}
