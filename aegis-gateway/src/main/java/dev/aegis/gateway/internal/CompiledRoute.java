package dev.aegis.gateway.internal;

import com.networknt.schema.JsonSchema;
import dev.aegis.ratelimit.api.LimitScope;
import dev.aegis.ratelimit.api.RateLimiter;

/**
 * One route ready for the hot path: its configuration plus everything precomputed at load time (CIDR blocks,
 * limiters, upstream pool, compiled JSON Schema). Immutable after construction; thread-safe.
 */
final class CompiledRoute {

    /** A limiter with the scope it counts by. */
    record BoundLimit(LimitScope scope, RateLimiter limiter) {
    }

    final GatewayConfig.Route config;
    final String id;
    final String host;
    final String prefix;
    final String[] methods;
    final CidrBlock[] allow;
    final CidrBlock[] deny;
    final String[] contentTypes;
    final BoundLimit[] limits;
    final UpstreamPool pool;
    final JsonSchema schema;
    final boolean jwt;
    final boolean apiKey;
    final boolean mtls;
    final boolean anonymous;

    CompiledRoute(GatewayConfig.Route config, BoundLimit[] limits, UpstreamPool pool, JsonSchema schema) {
        this.config = config;
        this.id = config.id();
        this.host = config.host();
        this.prefix = config.pathPrefix();
        this.methods = config.methods().toArray(new String[0]);
        GatewayConfig.Hardening h = config.hardening();
        this.allow = blocks(h.allowCidrs().toArray(new String[0]));
        this.deny = blocks(h.denyCidrs().toArray(new String[0]));
        this.contentTypes = h.contentTypes().toArray(new String[0]);
        this.limits = limits;
        this.pool = pool;
        this.schema = schema;
        this.jwt = config.auth().methods().contains("jwt");
        this.apiKey = config.auth().methods().contains("api-key");
        this.mtls = config.auth().methods().contains("mtls");
        this.anonymous = config.auth().anonymous();
    }

    boolean matchesPath(String path) {
        if ("/".equals(prefix)) {
            return true;
        }
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    boolean allowsMethod(String method) {
        for (String m : methods) {
            if (m.equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** @return {@code null} if the source may call this route, else the refusal reason */
    String checkSource(byte[] address) {
        for (CidrBlock b : deny) {
            if (b.contains(address)) {
                return "source in deny list " + b;
            }
        }
        if (allow.length == 0) {
            return null;
        }
        for (CidrBlock b : allow) {
            if (b.contains(address)) {
                return null;
            }
        }
        return "source not in allow list";
    }

    private static CidrBlock[] blocks(String[] cidrs) {
        CidrBlock[] out = new CidrBlock[cidrs.length];
        for (int i = 0; i < cidrs.length; i++) {
            out[i] = CidrBlock.parse(cidrs[i]);
        }
        return out;
    }
}
