package dev.aegis.server.http;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.core.api.keys.VerificationKeySource;
import dev.aegis.server.runtime.BootstrapCredential;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one place that decides who may call the control plane's own APIs (admin APIs, the event stream, audit
 * ingestion, the authorization API, the admin status): the bootstrap admin credential, or an access token
 * (RFC 9068, {@code typ at+jwt}) signed by the platform's token ring, issued by this platform ({@code iss}) for
 * the control plane itself ({@code aud} = the issuer, so a token a service received for its own audience cannot
 * be replayed here), not revoked, whose {@code scope} contains the scope the API needs or {@value #ADMIN_SCOPE}. Every {@link #require} attempt is audited; if the audit trail is down the
 * request is refused (fail-closed). Thread-safe.
 */
public final class AdminAuth {

    /** The OAuth scope that makes an access token an admin credential (it implies every control-plane scope). */
    public static final String ADMIN_SCOPE = "aegis:admin";
    /** The scope for reading the platform event stream (gateways, SDKs). */
    public static final String EVENTS_SCOPE = "aegis:events";
    /** The scope for handing audit events to the platform (services). */
    public static final String AUDIT_SCOPE = "aegis:audit";
    /** The administrator name of the bootstrap credential. */
    public static final String BOOTSTRAP_ADMIN = "bootstrap-admin";
    private static final long BOOTSTRAP_CACHE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final BootstrapCredential bootstrap;
    private final JwtVerifier tokens;
    private final Supplier<String> issuer;
    private final AuditLog audit;
    private final Clock clock;
    /** Revoked jti → exp, from the event stream; entries go once the token would have expired anyway. */
    private final ConcurrentHashMap<String, Instant> revoked = new ConcurrentHashMap<>();
    /**
     * Verify once per token (DESIGN.md): tokens whose signature and type were verified, keyed by the token's exact
     * text, kept until their {@code exp} but at most {@link #VERIFIED_CACHE_NANOS}, so a signing key withdrawn
     * from the ring stops being trusted within that time. Expiry, issuer and revocation are checked on every use.
     */
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private static final int VERIFIED_CACHE_MAX = 10_000;
    private static final long VERIFIED_CACHE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    /** Fingerprints of recently matched bootstrap credentials: matching reads the database. */
    private final ConcurrentHashMap<String, Long> recentBootstrap = new ConcurrentHashMap<>();

    /**
     * @param bootstrap the bootstrap credential
     * @param tokenKeys the platform's token signing keys
     * @param issuer    the identity provider's issuer, known once the listener is up
     */
    public AdminAuth(BootstrapCredential bootstrap, VerificationKeySource tokenKeys, Supplier<String> issuer,
                     AuditLog audit, Clock clock) {
        this.bootstrap = bootstrap;
        this.issuer = issuer;
        this.audit = audit;
        this.clock = clock;
        this.tokens = JwtVerifier.builder().keys(tokenKeys).type("at+jwt").clock(clock).build();
    }

    /** A token revoked anywhere in the cluster (the {@code token.revoked} event): refused from now on. */
    public void revoked(String jti, Instant expiresAt) {
        revoked.put(jti, expiresAt);
        if (revoked.size() % 1024 == 0) {
            Instant now = clock.instant().minus(JwtVerifier.MAX_CLOCK_SKEW);
            revoked.values().removeIf(exp -> exp.isBefore(now));
        }
    }

    /**
     * Authenticates an admin caller; on failure answers 401 (or 503 when the audit trail is down) itself.
     *
     * @param resource what is being accessed, for the audit record
     * @return the administrator's name, or empty when the response has been sent
     */
    public Optional<String> require(ServerRequest request, ServerResponse response, String resource) {
        Optional<String> authorization = request.headers().first(HeaderNames.AUTHORIZATION);
        Optional<String> credential = BearerToken.of(authorization);
        String admin = credential.isPresent() ? identify(credential.get(), ADMIN_SCOPE).orElse(null) : null;
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
            BearerToken.challenge(response, authorization.isPresent());
            Problem.send(response, Status.UNAUTHORIZED_401, "A valid administrator credential is required.");
            return Optional.empty();
        }
        return Optional.of(admin);
    }

    /**
     * @param credential a bearer credential
     * @param scope      the scope the API needs ({@value #ADMIN_SCOPE} always suffices)
     * @return the caller's name (the bootstrap admin, the token's {@code sub}, else its {@code client_id}), or empty
     */
    public Optional<String> identify(String credential, String scope) {
        return identify(credential, scope::equals);
    }

    /**
     * As {@link #identify(String, String)} for an API whose scopes depend on the request (the authorization API's
     * per-store scopes).
     *
     * @param grants whether one scope of the token grants the request ({@value #ADMIN_SCOPE} always does)
     */
    public Optional<String> identify(String credential, java.util.function.Predicate<String> grants) {
        if (credential == null || credential.isEmpty() || credential.length() > 8192) {
            return Optional.empty();
        }
        if (credential.startsWith(BootstrapCredential.PREFIX)) {
            return bootstrapMatches(credential) ? Optional.of(BOOTSTRAP_ADMIN) : Optional.empty();
        }
        Optional<JwtClaims> token = accessToken(credential);
        if (token.isEmpty() || !token.get().audience().contains(issuer.get())) {
            return Optional.empty();
        }
        JwtClaims claims = token.get();
        boolean granted = false;
        for (String s : claims.stringClaim("scope").orElse("").split(" ")) {
            granted |= ADMIN_SCOPE.equals(s) || grants.test(s);
        }
        if (!granted) {
            return Optional.empty();
        }
        return claims.subject().or(() -> claims.stringClaim("client_id"));
    }

    /**
     * An access token of this platform for any audience (the secrets manager's {@code aegis} login checks the
     * audience itself): signed by the token ring, {@code typ at+jwt}, current, issued by this platform, not revoked.
     *
     * @return its claims, or empty
     */
    public Optional<JwtClaims> accessToken(String token) {
        if (token == null || token.isEmpty() || token.length() > 8192 || token.indexOf('.') < 0) {
            return Optional.empty();
        }
        JwtClaims claims = verifiedClaims(token);
        String iss = issuer.get();
        if (claims == null || iss == null || !iss.equals(claims.issuer().orElse(null))
                || claims.jwtId().map(revoked::containsKey).orElse(true)) {
            return Optional.empty();
        }
        return Optional.of(claims);
    }

    /** The claims of a token whose signature verified (now, or earlier and still current), else null. */
    private JwtClaims verifiedClaims(String token) {
        long now = System.nanoTime();
        Verified hit = verified.get(token);
        if (hit != null) {
            if (hit.untilNanos - now > 0 && hit.claims.expiresAt().map(clock.instant()::isBefore).orElse(false)) {
                return hit.claims;
            }
            verified.remove(token, hit);
        }
        if (!(tokens.verify(token) instanceof TokenCheck.Valid v)) {
            return null;
        }
        if (verified.size() >= VERIFIED_CACHE_MAX) {
            verified.values().removeIf(entry -> entry.untilNanos - now <= 0);
        }
        if (verified.size() < VERIFIED_CACHE_MAX) {
            verified.put(token, new Verified(v.claims(), now + VERIFIED_CACHE_NANOS));
        }
        return v.claims();
    }

    private record Verified(JwtClaims claims, long untilNanos) {
    }

    private boolean bootstrapMatches(String credential) {
        String fingerprint = audit.fingerprint(credential);
        Long until = recentBootstrap.get(fingerprint);
        if (until != null && until - System.nanoTime() > 0) {
            return true;
        }
        if (bootstrap.matches(credential)) {
            recentBootstrap.put(fingerprint, System.nanoTime() + BOOTSTRAP_CACHE_NANOS);
            return true;
        }
        return false;
    }
}
