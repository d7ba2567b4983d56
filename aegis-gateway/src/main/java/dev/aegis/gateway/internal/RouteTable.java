package dev.aegis.gateway.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The compiled routes, most specific first: routes with a host before host-less ones, longer path prefixes
 * before shorter ones, so {@code /orders/admin} wins over {@code /orders} regardless of file order. Matching
 * is on the normalised path and on whole segments ({@code /orders} does not match {@code /ordersX}).
 * Immutable; swapped as a whole on reload.
 */
final class RouteTable {

    /** Result of {@link #match}: a route, or none for the path, or the path exists but not for this method. */
    record Match(CompiledRoute route, boolean methodNotAllowed) {
    }

    private static final Match NOT_FOUND = new Match(null, false);
    private static final Match WRONG_METHOD = new Match(null, true);

    private final CompiledRoute[] routes;

    RouteTable(List<CompiledRoute> routes) {
        List<CompiledRoute> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.<CompiledRoute>comparingInt(r -> r.host == null ? 1 : 0)
                .thenComparingInt(r -> -r.prefix.length()));
        this.routes = sorted.toArray(new CompiledRoute[0]);
    }

    /**
     * @param host   the request's host, lower case, without port
     * @param path   the normalised path
     * @param method the method
     */
    Match match(String host, String path, String method) {
        boolean pathMatched = false;
        for (CompiledRoute r : routes) {
            if (r.host != null && !r.host.equals(host)) {
                continue;
            }
            if (!r.matchesPath(path)) {
                continue;
            }
            if (r.allowsMethod(method) || ("OPTIONS".equals(method) && r.config.hardening().cors() != null)) {
                return new Match(r, false);
            }
            pathMatched = true;
        }
        return pathMatched ? WRONG_METHOD : NOT_FOUND;
    }

    CompiledRoute[] routes() {
        return routes;
    }
}
