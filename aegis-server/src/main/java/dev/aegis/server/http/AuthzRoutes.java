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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serves the authorization engine's OpenFGA API at {@code /stores*}. Who may use which store is decided here,
 * from the caller's credential as the platform's {@link AdminAuth} verifies it:
 * <ul>
 *   <li>the administrator credential, or an access token with scope {@value AdminAuth#ADMIN_SCOPE} or
 *       {@value #SCOPE}: every store and operation, including listing and creating stores;</li>
 *   <li>an access token with scope {@code aegis:authz:<store_id>} ({@link #storeScope}): every operation under
 *       {@code /stores/<store_id>} (models, tuples, checks, changes, deleting it) and nothing else: not another
 *       store, not the list of stores, not creating one. This is the credential to give a tenant's application
 *       or a service that checks against its own store.</li>
 * </ul>
 * No valid credential: 401; a valid credential that does not grant the store: 403. Both use OpenFGA's error
 * JSON and are audited.
 */
public final class AuthzRoutes {
    /** The OAuth scope that grants the whole authorization API. */
    public static final String SCOPE = "aegis:authz";
    private static final String STORE_SCOPE_PREFIX = SCOPE + ":";
    private static final long EXACT_READ_LIMIT = 1 << 20;

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

    /** The OAuth scope that grants one store of the authorization API. */
    public static String storeScope(String storeId) {
        return STORE_SCOPE_PREFIX + storeId;
    }

    private void handle(ServerRequest request, ServerResponse response) {
        String source = request.remotePeer().host();
        String path = request.path().path();
        Optional<String> credential = BearerToken.of(request);
        Optional<String> actor = credential.flatMap(c -> authorize(c, storeOf(path)));
        if (actor.isEmpty()) {
            // Valid for some store but not this request's: 403 (checked only on this refusal path).
            Optional<String> known = credential.flatMap(c -> callers.identify(c, s -> s.startsWith(STORE_SCOPE_PREFIX)));
            boolean forbidden = known.isPresent();
            auditRefusal(known.orElse("anonymous"), path, source, forbidden);
            send(response, forbidden ? AuthzService.error(403, "forbidden", "the credential does not grant this store")
                    : AuthzService.error(401, "unauthenticated", "unauthenticated"));
            return;
        }
        byte[] body = body(request);
        Map<String, String> query = new HashMap<>();
        for (String name : request.query().names()) {
            query.put(name, request.query().first(name).orElse(""));
        }
        AuthzReply reply = authz.handle(request.prologue().method().text(), request.path().path(), query,
                request.headers().first(HeaderNames.CONTENT_TYPE).orElse(null), body, actor.get(), source);
        send(response, reply);
    }

    /**
     * The request body. With a Content-Length it is read into an array of exactly that size: reading "all bytes"
     * allocates 16 KB buffers for a 100-byte check, the largest allocation of a check request.
     */
    private static byte[] body(ServerRequest request) {
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        OptionalLong length = request.headers().contentLength();
        if (length.isEmpty() || length.getAsLong() > EXACT_READ_LIMIT) {
            return request.content().as(byte[].class);
        }
        try (InputStream in = request.content().inputStream()) {
            return in.readNBytes((int) length.getAsLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The store id a path is about ({@code /stores/<id>...}), or {@code null} for the store collection itself. */
    static String storeOf(String path) {
        int from = "/stores/".length();
        if (path.length() <= from || !path.startsWith("/stores/")) {
            return null;
        }
        int end = path.indexOf('/', from);
        return path.substring(from, end < 0 ? path.length() : end);
    }

    /**
     * The single access check of the authorization API (see the class comment).
     *
     * @param storeId the store of the request, or {@code null} for the store collection
     * @return the caller's name for audit records, or empty when the credential does not grant the request
     */
    Optional<String> authorize(String credential, String storeId) {
        return callers.identify(credential, s -> SCOPE.equals(s) || storeId != null && s.length() == STORE_SCOPE_PREFIX.length()
                + storeId.length() && s.startsWith(STORE_SCOPE_PREFIX) && s.endsWith(storeId));
    }

    private void auditRefusal(String actor, String path, String source, boolean forbidden) {
        try {
            audit.record(AuditEvent.builder("authz.authenticate").actor(actor).resource(path)
                    .decision(AuditDecision.DENY)
                    .reason(forbidden ? "the credential does not grant this store" : "no valid credential with scope " + SCOPE)
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
