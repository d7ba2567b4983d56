package dev.aegis.server.http;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.core.api.keys.VerificationKeySource;
import dev.aegis.server.runtime.BootstrapCredential;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Optional;

/**
 * The one place that decides who is an administrator of the admin APIs of the workload CA (and any other
 * feature that wants it): the bootstrap admin credential (as {@code /admin/v1/status} accepts it), or an access
 * token (RFC 9068, {@code typ at+jwt}) signed by the platform's token ring whose {@code scope} contains
 * {@value #ADMIN_SCOPE}; its {@code sub} names the administrator. Swap this class when the identity provider
 * defines admin principals differently. Every attempt is audited; if the audit trail is down the request is
 * refused (fail-closed).
 */
public final class AdminAuth {

    /** The OAuth scope that makes an access token an admin credential. */
    public static final String ADMIN_SCOPE = "aegis:admin";
    /** The administrator name of the bootstrap credential. */
    public static final String BOOTSTRAP_ADMIN = "bootstrap-admin";
    private static final String BEARER = "Bearer ";

    private final BootstrapCredential bootstrap;
    private final JwtVerifier tokens;
    private final AuditLog audit;

    /**
     * @param bootstrap the bootstrap credential
     * @param tokenKeys the platform's token signing keys
     */
    public AdminAuth(BootstrapCredential bootstrap, VerificationKeySource tokenKeys, AuditLog audit, Clock clock) {
        this.bootstrap = bootstrap;
        this.audit = audit;
        this.tokens = JwtVerifier.builder().keys(tokenKeys).type("at+jwt").clock(clock).build();
    }

    /**
     * Authenticates the caller; on failure answers 401 (or 503 when the audit trail is down) itself.
     *
     * @param resource what is being accessed, for the audit record
     * @return the administrator's name, or empty when the response has been sent
     */
    public Optional<String> require(ServerRequest request, ServerResponse response, String resource) {
        Optional<String> authorization = request.headers().first(HeaderNames.AUTHORIZATION);
        String admin = null;
        if (authorization.isPresent() && authorization.get().regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            admin = identify(authorization.get().substring(BEARER.length()).strip());
        }
        try {
            audit.record(AuditEvent.builder("admin.authenticate").actor(admin == null ? "anonymous" : admin)
                    .resource(resource).decision(admin == null ? AuditDecision.DENY : AuditDecision.ALLOW)
                    .reason(admin != null ? "admin credential" : authorization.isPresent() ? "invalid credential" : "no credential")
                    .sourceAddress(request.remotePeer().host()).service("aegis-server").build());
        } catch (AuditUnavailableException e) {
            Problem.send(response, Status.SERVICE_UNAVAILABLE_503, "The audit trail is unavailable; try again later.");
            return Optional.empty();
        }
        if (admin == null) {
            response.header(HeaderNames.WWW_AUTHENTICATE,
                    authorization.isPresent() ? "Bearer realm=\"aegis\", error=\"invalid_token\"" : "Bearer realm=\"aegis\"");
            Problem.send(response, Status.UNAUTHORIZED_401, "A valid administrator credential is required.");
            return Optional.empty();
        }
        return Optional.of(admin);
    }

    private String identify(String credential) {
        if (credential.isEmpty() || credential.length() > 8192) {
            return null;
        }
        if (bootstrap.matches(credential)) {
            return BOOTSTRAP_ADMIN;
        }
        if (credential.indexOf('.') < 0) {
            return null;
        }
        return switch (tokens.verify(credential)) {
            case TokenCheck.Valid v -> {
                String scope = v.claims().stringClaim("scope").orElse("");
                boolean admin = false;
                for (String s : scope.split(" ")) {
                    admin |= ADMIN_SCOPE.equals(s);
                }
                yield admin && v.claims().subject().isPresent() ? v.claims().subject().get() : null;
            }
            case TokenCheck.Rejected r -> null;
        };
    }
}
