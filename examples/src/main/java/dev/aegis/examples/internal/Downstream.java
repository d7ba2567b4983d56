package dev.aegis.examples.internal;

import dev.aegis.examples.api.FleetService;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.token.TokenEndpointClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call to the next service of the chain: over mTLS with this workload's SVID (the trust manager accepts
 * only the next service's SPIFFE ID), with the caller's token exchanged (RFC 8693) for one addressed to the
 * next service only, reused per caller token until near its expiry.
 *
 * <p>An open connection is not cut when the peer's workload is revoked, so every new revocation list swaps in
 * a fresh client: the next call makes a new handshake, which the new list checks. Thread-safe.
 */
final class Downstream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Downstream.class);
    static final int MAX_BODY = 64 * 1024;
    /**
     * Calls in flight to the next service at most, so at most this many connections (each a full mTLS
     * handshake when new): without a bound, 1000 concurrent requests open 1000 connections at once and the
     * handshakes starve each other (measured by the flow benchmark: connect time-outs between the services).
     */
    static final int MAX_IN_FLIGHT = 64;
    private static final long QUEUE_TIMEOUT_MS = 5_000;

    /** What the next service answered, or why there is no answer. */
    record Reply(int status, String body) {
    }

    private final WorkloadIdentity identity;
    private final TokenEndpointClient tokens;
    private final FleetService caller;
    private final URI endpoint;
    private final AtomicReference<HttpClient> client = new AtomicReference<>();
    private volatile long revocationsVersion;
    private final LongAdder ok = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder unreachable = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    Downstream(WorkloadIdentity identity, TokenEndpointClient tokens, FleetService caller, URI next) {
        this.identity = identity;
        this.tokens = tokens;
        this.caller = caller;
        this.endpoint = next.resolve(caller.next().orElseThrow().path());
        client.set(newClient());
        revocationsVersion = identity.peerVerifier().revocations().version();
        identity.peerVerifier().onChange(this::reconnect);
    }

    private HttpClient newClient() {
        return HttpClient.newBuilder().sslContext(identity.sslContext()).connectTimeout(Duration.ofSeconds(3)).build();
    }

    private void reconnect() {
        long version = identity.peerVerifier().revocations().version();
        if (version == revocationsVersion) {
            return; // a bundle or pin refresh: the open connections' peers are still what they were checked as
        }
        revocationsVersion = version;
        HttpClient old = client.getAndSet(newClient());
        if (old != null) {
            old.shutdown(); // in-flight calls finish; its connections close
        }
    }

    /**
     * @param callerToken the verified token this service received
     * @param body        the request body to pass on
     * @param query       the query to pass on ({@code ?account=…}, validated) or empty
     */
    Reply call(String callerToken, byte[] body, String query) {
        String exchanged;
        try {
            exchanged = tokens.exchangeCached(callerToken, caller.next().orElseThrow().id(), caller.downstreamScope());
        } catch (TokenEndpointClient.TokenEndpointException e) {
            refused.increment();
            LOG.atWarn().setMessage("token exchange refused").addKeyValue("service", caller.id())
                    .addKeyValue("error", e.error()).log();
            return new Reply(502, "{\"error\":\"token_exchange_refused\",\"oauth_error\":\"" + e.error() + "\"}");
        }
        HttpRequest request = HttpRequest.newBuilder(query.isEmpty() ? endpoint : URI.create(endpoint + query))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + exchanged).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            if (!inFlight.tryAcquire(QUEUE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                busy.increment();
                return new Reply(503, "{\"error\":\"downstream_busy\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(503, "{\"error\":\"interrupted\"}");
        }
        try {
            return forward(request);
        } finally {
            inFlight.release();
        }
    }

    private Reply forward(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = send(request);
            (response.statusCode() == 200 ? ok : refused).increment();
            String text = response.body().length > MAX_BODY ? "{}" : new String(response.body(), StandardCharsets.UTF_8);
            return new Reply(response.statusCode(), text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            // A refused handshake (revoked or unknown peer) lands here: the next service is not reachable for us.
            unreachable.increment();
            LOG.atWarn().setMessage("next service unreachable").addKeyValue("service", caller.id())
                    .addKeyValue("error", e.getClass().getSimpleName()).log();
            return new Reply(502, "{\"error\":\"downstream_unreachable\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(503, "{\"error\":\"interrupted\"}");
        }
    }

    /** Sends on the current client; once more on the new one if a reconnect shut the used one down meanwhile. */
    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        HttpClient used = client.get();
        try {
            return used.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            HttpClient current = client.get();
            if (current == used) {
                throw e;
            }
            return current.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    /** @return the downstream counters in the Prometheus text format */
    String prometheusText() {
        String prefix = "aegis_demo_downstream_calls_total{service=\"" + caller.id() + "\",outcome=\"";
        return "# HELP aegis_demo_downstream_calls_total Calls to the next service by outcome.\n"
                + "# TYPE aegis_demo_downstream_calls_total counter\n"
                + prefix + "ok\"} " + ok.sum() + "\n" + prefix + "refused\"} " + refused.sum() + "\n"
                + prefix + "unreachable\"} " + unreachable.sum() + "\n" + prefix + "busy\"} " + busy.sum() + "\n";
    }

    @Override
    public void close() {
        client.get().shutdownNow();
    }
}
