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
 * Serves the authorization engine's OpenFGA API at {@code /stores*} and holds the one access rule for it
 * ({@link #authenticate}): the administrator credential, or an access token signed by this platform's token
 * ring whose {@code scope} contains {@value #SCOPE}. Refusals use OpenFGA's error JSON and are audited.
 */
public final class AuthzRoutes {
    /** The OAuth scope that grants use of the authorization API. */
    public static final String SCOPE = "aegis:authz";
    private static final String BEARER = "Bearer ";
    private static final long ADMIN_CACHE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final AuthzService authz;
    private final BootstrapCredential bootstrap;
    private final AuditLog audit;
    private final JwtVerifier tokens;
    /** Fingerprints of admin credentials seen valid recently, so a busy client does not cost a query per call. */
    private final Map<String, Long> recentAdmin = new ConcurrentHashMap<>();

    public AuthzRoutes(AuthzService authz, BootstrapCredential bootstrap, AuditLog audit, KeyRotationScheduler rings) {
        this.authz = authz;
        this.bootstrap = bootstrap;
        this.audit = audit;
        this.tokens = JwtVerifier.builder()
                .keys(kid -> rings.ring(KeyMaterialStore.TOKENS_RING).find(kid))
                .allowedAlgorithms(EnumSet.allOf(SigningAlgorithm.class))
                .build();
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
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String credential = authorization.get().substring(BEARER.length()).strip();
        if (credential.startsWith(BootstrapCredential.PREFIX)) {
            String fingerprint = audit.fingerprint(credential);
            Long until = recentAdmin.get(fingerprint);
            if (until != null && until - System.nanoTime() > 0) {
                return Optional.of("bootstrap-admin");
            }
            if (bootstrap.matches(credential)) {
                recentAdmin.put(fingerprint, System.nanoTime() + ADMIN_CACHE_NANOS);
                return Optional.of("bootstrap-admin");
            }
            return Optional.empty();
        }
        if (tokens.verify(credential) instanceof TokenCheck.Valid valid) {
            String scope = valid.claims().stringClaim("scope").orElse("");
            for (String s : scope.split(" ")) {
                if (SCOPE.equals(s)) {
                    return Optional.of(valid.claims().subject().orElse("token:" + valid.keyId().value()));
                }
            }
        }
        return Optional.empty();
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
