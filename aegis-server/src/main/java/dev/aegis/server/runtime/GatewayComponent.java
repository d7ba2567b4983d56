package dev.aegis.server.runtime;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.gateway.api.ApiKeyRegistry;
import dev.aegis.gateway.api.Gateway;
import dev.aegis.gateway.api.GatewayOptions;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.server.tls.ServerTls;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.PlatformEvent;
import dev.aegis.store.api.Store;
import io.micrometer.core.instrument.MeterRegistry;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.SpiffeTrustManager;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The API gateway inside an Aegis process (issue 5): the API key registry (always, so the admin API and CLI
 * can manage keys) and, when {@code gateway.routes-file} is set, the gateway listener, subscribed to the
 * platform event stream for {@code token.revoked} (from the first retained event, so revocations published
 * before this node started still apply) and {@code apikey.revoked}. Closed in reverse order.
 */
public final class GatewayComponent implements AutoCloseable {

    private final ApiKeyRegistry apiKeys;
    private final Optional<Gateway> gateway;
    private final List<EventBus.Subscription> subscriptions;

    private GatewayComponent(ApiKeyRegistry apiKeys, Optional<Gateway> gateway, List<EventBus.Subscription> subscriptions) {
        this.apiKeys = apiKeys;
        this.gateway = gateway;
        this.subscriptions = subscriptions;
    }

    /**
     * @param settings the gateway listener, or empty for "API key registry only"
     * @param events   the platform event bus, or {@code null} (standalone edge node without the bus)
     * @param identity the gateway's own SVID for upstream mTLS (the in-process workload CA under {@code aegis up},
     *                 the SDK's {@code WorkloadIdentity} on an edge node), or {@code null} for none
     */
    public static GatewayComponent start(Optional<AegisConfig.Gateway> settings, Store store, AuditLog audit,
                                         EventBus events, MeterRegistry registry, Clock clock,
                                         Supplier<GatewayOptions.UpstreamIdentity> identity) {
        ApiKeyRegistry keys = new ApiKeyRegistry(store, audit::fingerprint, clock);
        if (settings.isEmpty()) {
            return new GatewayComponent(keys, Optional.empty(), List.of());
        }
        AegisConfig.Gateway s = settings.get();
        GatewayOptions options = GatewayOptions.of(s.routesFile(), s.host(), s.port()).withClientReadTimeout(s.clientTimeout())
                .withRequestDeadline(s.requestDeadline());
        if (identity != null) {
            options = options.withUpstreamIdentity(identity.get());
        }
        if (s.tls().isPresent()) {
            AegisConfig.Tls tls = s.tls().get();
            try {
                options = options.withTls(ServerTls.fromPem(tls.certificate(), tls.privateKey(), tls.clientCa().orElse(null))
                        .sslContext(), tls.clientAuth().name().toLowerCase(Locale.ROOT));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("gateway.tls: certificate or key unusable (" + e.getMessage() + ")", e);
            }
        }
        Gateway gateway = Gateway.start(options, audit, keys, registry, null, clock);
        List<EventBus.Subscription> subs = new ArrayList<>();
        if (events != null) {
            subs.add(events.subscribe("token.revoked", 0, e -> gateway.onEvent(e.topic(), e.subject(), e.attributes())));
            // A key snapshot reload reads the database: off the bus's delivery thread.
            subs.add(events.subscribe("apikey.revoked", 0, (PlatformEvent e) ->
                    Thread.startVirtualThread(() -> gateway.onEvent(e.topic(), e.subject(), e.attributes()))));
        }
        return new GatewayComponent(keys, Optional.of(gateway), subs);
    }

    /**
     * An edge gateway's own SVID (no CA in process): joins the workload CA with the SDK's {@code WorkloadIdentity}
     * and the one-time join token, which renews it at half-life and keeps the trust bundle and revocations current.
     *
     * @param workload    where and with which token to join
     * @param trustDomain this deployment's trust domain ({@code pki.trust-domain})
     * @return the running identity (close it at shutdown)
     * @throws IOException when the control plane refuses the join or cannot be reached
     */
    public static WorkloadIdentity joinWorkloadCa(AegisConfig.GatewayWorkload workload, String trustDomain)
            throws IOException, InterruptedException {
        TrustDomain domain = TrustDomain.of(trustDomain);
        return WorkloadIdentity.builder().controlPlane(workload.controlPlane()).mtlsEndpoint(workload.mtlsEndpoint())
                .trustDomain(domain).joinToken(workload.joinToken())
                .authorizer(PeerAuthorizer.denyAll().orTrustDomain(domain)).start();
    }

    /** @return the identity as the gateway presents it upstream: its SVID, and SVID chains of its trust domain */
    public static GatewayOptions.UpstreamIdentity upstreamIdentity(WorkloadIdentity identity) {
        return new GatewayOptions.UpstreamIdentity(identity.keyManager(), new SpiffeTrustManager(identity.peerVerifier()));
    }

    /** @return the API key registry */
    public ApiKeyRegistry apiKeys() {
        return apiKeys;
    }

    /** @return the running gateway, if configured */
    public Optional<Gateway> gateway() {
        return gateway;
    }

    @Override
    public void close() {
        for (EventBus.Subscription s : subscriptions) {
            s.close();
        }
        gateway.ifPresent(Gateway::close);
    }
}
