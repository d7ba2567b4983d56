package dev.aegis.server.http;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.policy.api.AuthzReply;
import dev.aegis.policy.api.AuthzService;
import dev.aegis.server.runtime.BootstrapCredential;
import dev.aegis.server.runtime.KeyRotationScheduler;
import dev.aegis.store.api.KeyMaterialStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serves the authorization engine's OpenFGA API at {@code /stores*}. Callers are checked by the platform's
 * {@link AdminAuth}: the administrator credential, or an access token of this platform whose {@code scope}
 * contains {@value #SCOPE}. Refusals use OpenFGA's error JSON and are audited.
 */
public final class AuthzRoutes {
    /** The OAuth scope that grants use of the authorization API. */
    public static final String SCOPE = "aegis:authz";

    private final AuthzService authz;
    private final AdminAuth callers;
    private final AuditLog audit;

    public AuthzRoutes(AuthzService authz, AdminAuth callers, AuditLog audit) {
        this.authz = authz;
        this.callers = callers;
        this.audit = audit;
    }

    public void register(HttpRouting.Builder routing) {
        routing.any("/stores", this::handle).any("/stores/*", this::handle);
    }

    private void handle(ServerRequest request, ServerResponse response) {
        String source = request.remotePeer().host();
        Optional<String> actor = authenticate(request.headers().first(HeaderNames.AUTHORIZATION));
        if (actor.isEmpty()) {
            auditRefusal(request.path().path(), source);
            send(response, AuthzService.error(401, "unauthenticated", "unauthenticated"));
            return;
        }
        byte[] body = request.content().hasEntity() ? request.content().as(byte[].class) : new byte[0];
        Map<String, String> query = new HashMap<>();
        for (String name : request.query().names()) {
            query.put(name, request.query().first(name).orElse(""));
        }
        AuthzReply reply = authz.handle(request.prologue().method().text(), request.path().path(), query,
                request.headers().first(HeaderNames.CONTENT_TYPE).orElse(null), body, actor.get(), source);
        send(response, reply);
    }

    /**
     * The single access check of the authorization API.
     *
     * @return the caller's name for audit records, or empty when the credential is missing or not good enough
     */
    Optional<String> authenticate(Optional<String> authorization) {
        Optional<String> credential = BearerToken.of(authorization);
        return credential.isEmpty() ? Optional.empty() : callers.identify(credential.get(), SCOPE);
    }

    private void auditRefusal(String path, String source) {
        try {
            audit.record(AuditEvent.builder("authz.authenticate").actor("anonymous").resource(path)
                    .decision(AuditDecision.DENY).reason("no valid credential with scope " + SCOPE)
                    .sourceAddress(source).service("aegis-policy").build());
        } catch (AuditUnavailableException e) {
            // the request is refused either way
        }
    }

    private static void send(ServerResponse response, AuthzReply reply) {
        response.status(Status.create(reply.status()));
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (reply.consistencyToken() != null) {
            response.header(HeaderNames.create("Aegis-Consistency-Token"), reply.consistencyToken());
        }
        if (reply.status() == 204) {
            response.send();
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(reply.json());
    }
}
