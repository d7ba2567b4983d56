package dev.aegis.identity.api;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.core.api.crypto.HmacFingerprint;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.password.Argon2Parameters;
import dev.aegis.core.api.password.PasswordHasher;
import dev.aegis.identity.internal.IdentityComponents;
import dev.aegis.identity.internal.IdentityPepper;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The Aegis identity provider: an OAuth 2.x / OpenID Connect authorization server served on the control
 * plane's listener. Routes: {@code /.well-known/openid-configuration}, {@code /.well-known/oauth-authorization-server},
 * {@code /oauth2/authorize|token|introspect|revoke|device_authorization}, {@code /login}, {@code /consent},
 * {@code /device}, {@code /userinfo}, {@code /logout} and the admin API {@code /admin/v1/clients|users|groups}.
 * The JWKS is the foundation's {@code /.well-known/jwks.json} (the {@code tokens} key ring that signs here).
 *
 * <p>Lifecycle: {@link #start}, {@link #register} the routes before the listener starts, {@link #issuer(String)}
 * once the listener's address is known, {@link #close()} on shutdown. Thread-safe.
 */
public final class IdentityProvider implements AutoCloseable {

    private final IdentityComponents components;
    private final IdentitySettings settings;

    private IdentityProvider(IdentityComponents components, IdentitySettings settings) {
        this.components = components;
        this.settings = settings;
    }

    /**
     * Builds the identity provider over the platform's store, key material and audit log.
     *
     * @param settings       configuration
     * @param store          the open store (migrations V10+ created the {@code idp_*} tables)
     * @param keys           key material (holds the identity pepper's sealed seed)
     * @param tokensRing     the current {@code tokens} key ring (rotated by the platform's scheduler)
     * @param audit          the audit log
     * @param publisher      where revocations are announced ({@code token.revoked})
     * @param bootstrapAdmin checks the bootstrap admin credential
     * @param maxTokenLifetime no token lives longer ({@code keys.max-token-lifetime}: how long a retired key stays
     *                       verifiable)
     * @param clock          time source
     * @return the provider
     */
    public static IdentityProvider start(IdentitySettings settings, Store store, KeyMaterialStore keys,
                                         Supplier<KeyRing> tokensRing, AuditLog audit, RevocationPublisher publisher,
                                         Predicate<String> bootstrapAdmin, java.time.Duration maxTokenLifetime,
                                         Clock clock) {
        Objects.requireNonNull(settings, "settings");
        HmacFingerprint pepper = IdentityPepper.load(keys, clock);
        IdentityComponents components = new IdentityComponents(settings.maxFailuresPerAccount(), settings.accountWindow(),
                settings.maxFailuresPerAddress(), settings.addressWindow(), settings.sessionLifetime(),
                settings.requireDpopNonce(), store, pepper, tokensRing, audit, publisher, bootstrapAdmin,
                new PasswordHasher(Argon2Parameters.defaults()), maxTokenLifetime, keys, clock);
        return new IdentityProvider(components, settings);
    }

    /** Registers every identity route; call before the catch-all 404 route. */
    public void register(HttpRouting.Builder routing) {
        components.register(routing);
    }

    /**
     * Fixes the issuer: the configured one, or {@code baseUrl} (the listener's) when none is configured.
     *
     * @param baseUrl e.g. {@code https://aegis.example:8443}
     */
    public void issuer(String baseUrl) {
        components.issuer(settings.issuer().orElse(baseUrl));
    }

    /** @return the issuer identifier in use */
    public String issuer() {
        return components.issuerValue();
    }

    /**
     * A revocation learned from the platform event stream (another node revoked the token).
     *
     * @param jti       the token id
     * @param expiresAt its expiry
     */
    public void revokedElsewhere(String jti, Instant expiresAt) {
        components.revokedElsewhere(jti, expiresAt);
    }

    @Override
    public void close() {
        components.close();
    }
}
