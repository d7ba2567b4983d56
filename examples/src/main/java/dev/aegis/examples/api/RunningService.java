package dev.aegis.examples.api;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.token.AccessTokenCheck;
import java.net.URI;

/**
 * A started fleet service: its address and identity, and {@link #close()} to stop it. Thread-safe.
 */
public sealed interface RunningService extends AutoCloseable permits dev.aegis.examples.internal.ServiceRuntime {

    /** @return which service this is */
    FleetService service();

    /** @return the bound port */
    int port();

    /** @return its base URL, {@code https://host:port} */
    URI uri();

    /** @return the SPIFFE ID of its current X509-SVID */
    SpiffeId spiffeId();

    /**
     * The service's own token verifier on {@code token}, exactly as a request would see it (signature, audience,
     * revocations from the event stream): for measuring how fast a revocation reaches this hop.
     */
    AccessTokenCheck verify(String token);

    /** @return its metrics in the Prometheus text format (what {@code GET /metrics} answers) */
    String metrics();

    /** Stops the listener, the event stream, the audit client (flushing it) and the identity. Idempotent. */
    @Override
    void close();

    /**
     * Starts a service: joins the workload CA with the join token, opens the event stream, and serves HTTPS with
     * client certificates required.
     *
     * @throws java.io.IOException when the control plane refuses (e.g. a used join token) or cannot be reached
     */
    static RunningService start(ServiceSettings settings) throws java.io.IOException, InterruptedException {
        return dev.aegis.examples.internal.ServiceRuntime.start(settings);
    }
}
