package dev.aegis.examples.api;

import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.util.Optional;

/**
 * The three services of the demo fleet and who may call whom: the gateway calls orders, orders calls payments,
 * payments calls ledger. Each service is an OAuth client of the same name (its token audience), has the SPIFFE
 * ID {@code spiffe://<domain>/demo/<name>}, and requires one scope on its endpoint.
 *
 * <p>Immutable.
 */
public enum FleetService {
    /** {@code POST /orders}: needs {@code orders:write}; calls payments. */
    ORDERS("orders", "/orders", "orders:write", "orders.create"),
    /** {@code POST /payments}: needs {@code payments:charge}; calls ledger. */
    PAYMENTS("payments", "/payments", "payments:charge", "payments.charge"),
    /** {@code POST /ledger}: needs {@code ledger:write}; the end of the chain. */
    LEDGER("ledger", "/ledger", "ledger:write", "ledger.write");

    /** The SPIFFE ID path of the gateway in front of the fleet (the only caller of orders). */
    public static final String GATEWAY_PATH = "/demo/gateway";

    private final String id;
    private final String path;
    private final String scope;
    private final String action;

    FleetService(String id, String path, String scope, String action) {
        this.id = id;
        this.path = path;
        this.scope = scope;
        this.action = action;
    }

    /** @return the service's name: its OAuth client id and the audience of tokens for it */
    public String id() {
        return id;
    }

    /** @return the path prefix it serves */
    public String path() {
        return path;
    }

    /** @return the scope its endpoint requires */
    public String scope() {
        return scope;
    }

    /** @return the audited action of its endpoint */
    public String action() {
        return action;
    }

    /** @return its SPIFFE ID in {@code domain} */
    public SpiffeId spiffeId(TrustDomain domain) {
        return SpiffeId.parse("spiffe://" + domain.name() + "/demo/" + id);
    }

    /** @return the service it calls, if any */
    public Optional<FleetService> next() {
        return switch (this) {
            case ORDERS -> Optional.of(PAYMENTS);
            case PAYMENTS -> Optional.of(LEDGER);
            case LEDGER -> Optional.empty();
        };
    }

    /** @return the SPIFFE ID of the only workload allowed to call it */
    public SpiffeId caller(TrustDomain domain) {
        return switch (this) {
            case ORDERS -> SpiffeId.parse("spiffe://" + domain.name() + GATEWAY_PATH);
            case PAYMENTS -> ORDERS.spiffeId(domain);
            case LEDGER -> PAYMENTS.spiffeId(domain);
        };
    }

    /**
     * @return the scopes it asks for when it exchanges its caller's token for the next service: that service's
     *         scope and every scope further down the chain (token exchange may only narrow)
     */
    public String downstreamScope() {
        return switch (this) {
            case ORDERS -> PAYMENTS.scope + " " + LEDGER.scope;
            case PAYMENTS -> LEDGER.scope;
            case LEDGER -> "";
        };
    }

    /** @return every scope a user's token needs for the whole chain */
    public static String chainScope() {
        return ORDERS.scope + " " + PAYMENTS.scope + " " + LEDGER.scope;
    }
}
