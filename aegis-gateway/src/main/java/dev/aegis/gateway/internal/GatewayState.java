package dev.aegis.gateway.internal;

import dev.aegis.gateway.api.ApiKeyInfo;
import dev.aegis.gateway.api.AuthorizationHook;
import dev.aegis.ratelimit.api.RateLimiter;
import java.util.function.Function;

/**
 * Everything one request needs, as one immutable snapshot: a reload builds a new state and swaps it in whole
 * (STYLE.md: read-mostly state via volatile), so in-flight requests finish on the state they started with.
 */
record GatewayState(GatewayConfig config, RouteTable table, Authenticator authenticator, Forwarder forwarder,
                    GatewayMetrics metrics, DecisionAuditor auditor, AuthorizationHook hook,
                    Function<ApiKeyInfo, RateLimiter> perKeyLimits) {

    RateLimiter perKeyLimit(ApiKeyInfo key) {
        return perKeyLimits.apply(key);
    }
}
