package dev.aegis.identity.internal;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.core.api.password.PasswordHasher;
import dev.aegis.identity.api.RevocationPublisher;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the identity provider's parts in dependency order and maps them to routes. Not part of the API:
 * {@code dev.aegis.identity.api.IdentityProvider} is the one entry point.
 *
 * <p>Thread-safe once built.
 */
public final class IdentityComponents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityComponents.class);

    private final Supplier<KeyRing> ring;
    private final RevocationList revocations;
    private final TokenService tokens;
    private final ClientAssertions assertions;
    private final DpopProofs dpop;
    private final Discovery discovery = new Discovery();
    private final TokenEndpoint tokenEndpoint;
    private final LifecycleEndpoints lifecycle;
    private final BrowserFlow browser;
    private final DeviceFlow device;
    private final LogoutEndpoint logout;
    private final AdminApi admin;

    public IdentityComponents(int maxPerAccount, Duration accountWindow, int maxPerAddress, Duration addressWindow,
                              Duration sessionLifetime, boolean requireDpopNonce, Store store, HmacFingerprint pepper,
                              Supplier<KeyRing> ring, AuditLog auditLog, RevocationPublisher publisher,
                              Predicate<String> bootstrapAdmin, PasswordHasher hasher, Duration maxTokenLifetime,
                              KeyMaterialStore keys, Clock clock) {
        this.ring = ring;
        IdentityAudit audit = new IdentityAudit(auditLog);
        ClientRegistry clients = new ClientRegistry(store, pepper, clock);
        UserDirectory users = new UserDirectory(store, hasher, clock);
        this.revocations = new RevocationList(store, clock, publisher);
        this.tokens = new TokenService(ring, revocations, clock, maxTokenLifetime);
        this.assertions = new ClientAssertions(clients, clock);
        ClientAuthenticator authenticator = new ClientAuthenticator(clients, assertions);
        this.dpop = new DpopProofs(pepper, clock, requireDpopNonce);
        RefreshTokens refresh = new RefreshTokens(store, pepper, clock);
        AuthorizationCodes codes = new AuthorizationCodes(store, pepper, clock);
        DeviceCodes devices = new DeviceCodes(store, pepper, clock);
        Sessions sessions = new Sessions(store, pepper, clock, sessionLifetime);
        UserTokens userTokens = new UserTokens(tokens, refresh, revocations);
        LoginThrottle throttle = new LoginThrottle(maxPerAccount, accountWindow, maxPerAddress, addressWindow, clock, audit);
        this.tokenEndpoint = new TokenEndpoint(authenticator, tokens, dpop, audit, new TokenEndpoint.Grants(
                new CodeGrant(codes, users, userTokens, audit), new RefreshGrant(refresh, users, userTokens, audit),
                new DeviceGrant(devices, users, userTokens), new ExchangeGrant(tokens, clock)));
        this.lifecycle = new LifecycleEndpoints(authenticator, tokens, refresh, revocations, userTokens, users, dpop, audit);
        TotpSecrets totp = new TotpSecrets(store, keys, clock);
        this.browser = new BrowserFlow(clients, users, sessions, codes, throttle, totp, audit, clock);
        this.device = new DeviceFlow(authenticator, devices, sessions, browser, throttle, audit, clock);
        this.logout = new LogoutEndpoint(clients, sessions, audit);
        this.admin = new AdminApi(clients, users, tokens, bootstrapAdmin, audit, totp);
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/.well-known/openid-configuration", discovery::handle)
                .get("/.well-known/oauth-authorization-server", discovery::handle)
                .post("/oauth2/token", oauth(tokenEndpoint::handle))
                .post("/oauth2/introspect", oauth(lifecycle::introspect))
                .post("/oauth2/revoke", oauth(lifecycle::revoke))
                .get("/userinfo", oauth(lifecycle::userinfo))
                .post("/userinfo", oauth(lifecycle::userinfo))
                .get("/oauth2/authorize", browser::authorize)
                .post("/login", browser::login)
                .post("/consent", browser::consent)
                .post("/oauth2/device_authorization", oauth(device::authorization))
                .get("/device", device::page)
                .post("/device", device::decide)
                .get("/logout", logout::handle)
                .post("/logout", logout::handle);
        admin.register(routing);
    }

    /**
     * Our own failures (database down, a bug) at an OAuth endpoint answer RFC 6749 §5.2 {@code server_error}
     * JSON, which OAuth clients parse, instead of the control plane's generic problem+json; logged with the path.
     */
    private static Handler oauth(Handler handler) {
        return (request, response) -> {
            try {
                handler.handle(request, response);
            } catch (RuntimeException e) {
                LOG.atError().setMessage("identity request failed").addKeyValue("path", request.path().path())
                        .setCause(e).log();
                if (!response.isSent()) {
                    Http.error(response, OAuthError.serverError());
                }
            }
        };
    }

    public void issuer(String issuer) {
        tokens.issuer(issuer);
        assertions.issuer(issuer);
        dpop.tokenEndpoint(URI.create(issuer + "/oauth2/token"));
        browser.issuer(issuer);
        device.issuer(issuer);
        String alg = ring.get().signingKey().map(SigningKey::algorithm).map(a -> a.joseName()).orElse("ES256");
        discovery.issuer(issuer, alg);
    }

    public String issuerValue() {
        return tokens.issuer();
    }

    public void revokedElsewhere(String jti, Instant expiresAt) {
        revocations.learn(jti, expiresAt);
    }

    @Override
    public void close() {
        dpop.close();
    }
}
