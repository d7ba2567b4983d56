package dev.aegis.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.gateway.api.ApiKeyInfo;
import dev.aegis.gateway.api.CreatedApiKey;
import dev.aegis.gateway.api.ReloadResult;
import dev.aegis.server.runtime.GatewayComponent;
import dev.aegis.store.api.EventBus;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The gateway's admin API on the control plane (issue 5): {@code /admin/v1/apikeys} (create, list, revoke)
 * and {@code /admin/v1/gateway/reload}. Administrator bearer credential required; every attempt is audited
 * (fail-closed); a created key is returned once with {@code Cache-Control: no-store}; a revocation is published
 * as {@code apikey.revoked} so every gateway node drops the key at once. Errors are problem+json.
 */
public final class GatewayAdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 16 * 1024;

    private final GatewayComponent gateway;
    private final Predicate<String> adminCredential;
    private final AuditLog audit;
    private final EventBus events;

    public GatewayAdminApi(GatewayComponent gateway, Predicate<String> adminCredential, AuditLog audit, EventBus events) {
        this.gateway = gateway;
        this.adminCredential = adminCredential;
        this.audit = audit;
        this.events = events;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/admin/v1/apikeys", this::create)
                .get("/admin/v1/apikeys", this::list)
                .delete("/admin/v1/apikeys/{keyId}", this::revoke)
                .post("/admin/v1/gateway/reload", this::reload);
    }

    private boolean authorized(ServerRequest req, ServerResponse res, String action, String resource) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Optional<String> credential = BearerToken.of(req);
        boolean ok = credential.isPresent() && adminCredential.test(credential.get());
        try {
            audit.record(AuditEvent.builder(action).actor(ok ? "bootstrap-admin" : "anonymous").resource(resource)
                    .decision(ok ? AuditDecision.ALLOW : AuditDecision.DENY)
                    .reason(ok ? "admin credential" : "invalid or missing credential")
                    .sourceAddress(req.remotePeer().host()).service("aegis-gateway-admin").build());
        } catch (AuditUnavailableException e) {
            Problem.send(res, Status.SERVICE_UNAVAILABLE_503, "The audit trail is unavailable; try again later.");
            return false;
        }
        if (!ok) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"aegis\"");
            Problem.send(res, Status.UNAUTHORIZED_401, "A valid administrator credential is required.");
        }
        return ok;
    }

    private void create(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res, "apikey.create", "/admin/v1/apikeys")) {
            return;
        }
        JsonNode body;
        try {
            byte[] bytes = req.content().inputStream().readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                Problem.send(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "The request body is too large.");
                return;
            }
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            Problem.send(res, Status.BAD_REQUEST_400, "The body must be a JSON object.");
            return;
        }
        if (body == null || !body.isObject() || !body.path("consumer").isTextual()) {
            Problem.send(res, Status.BAD_REQUEST_400, "consumer (a string) is required.");
            return;
        }
        try {
            Set<String> routes = strings(body.get("routes"), "*");
            Set<String> methods = strings(body.get("methods"), "*");
            int max = body.path("limit").path("max").asInt(0);
            Duration window = Duration.ofSeconds(body.path("limit").path("window_seconds").asLong(60));
            Instant expires = body.hasNonNull("expires_at") ? Instant.parse(body.get("expires_at").asText()) : null;
            CreatedApiKey k = gateway.apiKeys().create(body.get("consumer").asText(), routes, methods, max, window, expires);
            ObjectNode out = describe(k.info());
            out.put("key", k.revealKey());
            res.status(Status.CREATED_201);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(out.toString());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            Problem.send(res, Status.BAD_REQUEST_400, "Invalid API key request: " + safe(e));
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res, "apikey.list", "/admin/v1/apikeys")) {
            return;
        }
        ArrayNode keys = JSON.createArrayNode();
        for (ApiKeyInfo info : gateway.apiKeys().list(req.query().first("consumer").orElse(null))) {
            keys.add(describe(info));
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("keys", keys);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(out.toString());
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        String keyId = req.path().pathParameters().get("keyId");
        if (!authorized(req, res, "apikey.revoke", "/admin/v1/apikeys/" + (keyId.length() > 64 ? "?" : keyId))) {
            return;
        }
        if (!gateway.apiKeys().revoke(keyId)) {
            Problem.send(res, Status.NOT_FOUND_404, "No active API key with this id.");
            return;
        }
        events.publish("apikey.revoked", keyId, Map.of());
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    private void reload(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res, "gateway.reload", "/admin/v1/gateway/reload")) {
            return;
        }
        if (gateway.gateway().isEmpty()) {
            Problem.send(res, Status.NOT_FOUND_404, "The gateway is not running on this node (gateway.routes-file is not set).");
            return;
        }
        ReloadResult r = gateway.gateway().get().reload();
        ObjectNode out = JSON.createObjectNode();
        switch (r) {
            case ReloadResult.Applied a -> out.put("status", "applied").put("routes", a.routes());
            case ReloadResult.Unchanged u -> out.put("status", "unchanged");
            case ReloadResult.Refused f -> {
                res.status(Status.create(422));
                out.put("status", "refused").put("message", f.message()).put("line", f.line()).put("key", f.key());
            }
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(out.toString());
    }

    static ObjectNode describe(ApiKeyInfo info) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key_id", info.keyId());
        n.put("consumer", info.consumer());
        info.routes().forEach(n.putArray("routes")::add);
        info.methods().forEach(n.putArray("methods")::add);
        if (info.limitMax() > 0) {
            n.putObject("limit").put("max", info.limitMax()).put("window_seconds", info.limitWindow().toSeconds());
        }
        n.put("created_at", info.createdAt().toString());
        if (info.expiresAt() != null) {
            n.put("expires_at", info.expiresAt().toString());
        }
        if (info.revokedAt() != null) {
            n.put("revoked_at", info.revokedAt().toString());
        }
        n.put("status", info.revokedAt() != null ? "revoked" : info.activeAt(Instant.now()) ? "active" : "expired");
        return n;
    }

    private static Set<String> strings(JsonNode node, String fallback) {
        Set<String> out = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            out.add(fallback);
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("routes and methods must be arrays of strings");
        }
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isEmpty() || n.asText().length() > 64) {
                throw new IllegalArgumentException("routes and methods must be arrays of strings");
            }
            out.add(n.asText());
        }
        return out;
    }

    private static String safe(RuntimeException e) {
        String m = e instanceof DateTimeParseException ? "expires_at must be an ISO-8601 instant" : e.getMessage();
        return m == null ? "bad value" : m;
    }
}
