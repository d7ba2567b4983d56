package dev.aegis.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.server.runtime.KeyRotationScheduler;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's HTTP routes of the foundation: health, readiness, metrics, the token signing keys
 * (JWKS, RFC 7517 §5) and the admin status. Later issues add their routes beside these.
 */
public final class ControlPlaneApi {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final AuditLog audit;
    private final KeyRotationScheduler rings;
    private final AdminAuth admins;
    private final PlatformMetrics metrics;
    private final BooleanSupplier acceptingWork;
    private final String version;
    private final String jwksCacheControl;

    /**
     * @param admins        who may read the admin status (checked and audited by {@link AdminAuth#require})
     * @param acceptingWork false once shutdown has begun, so /readyz takes the node out of load balancing
     * @param jwksMaxAge    how long clients may cache the JWKS: shorter than the publish-ahead time of a new
     *                      key, so every client sees a key before the first token it signs
     */
    public ControlPlaneApi(Store store, AuditLog audit, KeyRotationScheduler rings, AdminAuth admins,
                           PlatformMetrics metrics, BooleanSupplier acceptingWork, String version, Duration jwksMaxAge) {
        this.store = store;
        this.audit = audit;
        this.rings = rings;
        this.admins = admins;
        this.metrics = metrics;
        this.acceptingWork = acceptingWork;
        this.version = version;
        this.jwksCacheControl = "public, max-age=" + jwksMaxAge.toSeconds();
    }

    /**
     * Registers the security headers, the foundation's routes, then each feature's routes (identity, workload
     * CA, authorization, secrets, events — each module's own class), then the problem+json fallbacks, which
     * must come last because routes match in registration order.
     */
    public void register(HttpRouting.Builder routing, List<Consumer<HttpRouting.Builder>> features) {
        routing.addFilter((chain, request, response) -> {
            response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
            response.header(HeaderNames.create("X-Frame-Options"), "DENY");
            response.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
            chain.proceed();
        });
        routing.get("/healthz", (request, response) -> sendJson(response, Status.OK_200, "{\"status\":\"UP\"}"))
                .get("/readyz", this::readiness)
                .get("/metrics", this::prometheus)
                .get("/.well-known/jwks.json", this::jwks)
                .get("/admin/v1/status", this::adminStatus);
        for (Consumer<HttpRouting.Builder> feature : features) {
            feature.accept(routing);
        }
        routing.any((request, response) -> Problem.send(response, Status.NOT_FOUND_404, "No such resource."))
                .error(Throwable.class, (request, response, error) -> {
                    // Our fault, not the client's: log it with the path, answer without any detail.
                    LOG.atError().setMessage("request failed").addKeyValue("path", request.path().path())
                            .setCause(error).log();
                    Problem.send(response, Status.INTERNAL_SERVER_ERROR_500, "The request could not be processed.");
                });
    }

    private void readiness(ServerRequest request, ServerResponse response) {
        boolean storeUp = store.healthy();
        boolean accepting = acceptingWork.getAsBoolean();
        ObjectNode body = JSON.createObjectNode();
        body.put("status", storeUp && accepting ? "UP" : "DOWN");
        body.put("store", storeUp ? "UP" : "DOWN");
        body.put("accepting", accepting);
        body.put("auditQueueDepth", audit.stats().queueDepth());
        sendJson(response, storeUp && accepting ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body.toString());
    }

    private void prometheus(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.send(metrics.scrape());
    }

    private void jwks(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CACHE_CONTROL, jwksCacheControl);
        response.header(HeaderNames.CONTENT_TYPE, "application/jwk-set+json");
        response.send(rings.ring(KeyMaterialStore.TOKENS_RING).publicJwkSetJson());
    }

    private void adminStatus(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (admins.require(request, response, "/admin/v1/status").isEmpty()) {
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("version", version);
        body.put("cryptoProvider", CryptoProviders.active());
        body.put("schemaVersion", store.schemaVersion());
        body.put("storage", store.dialect().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode ringsNode = body.putObject("keyRings");
        for (String name : new String[] {KeyMaterialStore.TOKENS_RING, KeyMaterialStore.AUDIT_RING}) {
            ringsNode.set(name, describe(rings.ring(name)));
        }
        body.put("auditRecorded", audit.stats().recorded());
        sendJson(response, Status.OK_200, body.toString());
    }

    private static ArrayNode describe(KeyRing ring) {
        ArrayNode keys = JSON.createArrayNode();
        for (SigningKey key : ring.keys()) {
            ObjectNode node = keys.addObject();
            node.put("kid", key.keyId().value());
            node.put("algorithm", key.algorithm().joseName());
            node.put("state", key.state().name());
            node.put("createdAt", key.createdAt().toString());
        }
        return keys;
    }

    private static void sendJson(ServerResponse response, Status status, String body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body);
    }
}
