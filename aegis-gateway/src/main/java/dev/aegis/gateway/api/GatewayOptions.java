package dev.aegis.gateway.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * How to run one gateway listener. The routes themselves live in the routes file (hot-reloadable); these
 * options need a restart.
 *
 * @param routesFile        the YAML routes file
 * @param host              listen address
 * @param port              listen port (0 = any free port)
 * @param tls               TLS context of the listener, or {@code null} for plain HTTP
 * @param clientAuth        with TLS: {@code none}, {@code optional} (needed for mTLS routes and certificate-bound
 *                          tokens) or {@code required}
 * @param clientReadTimeout a client that sends nothing for this long is disconnected (slow-client defence)
 * @param reloadInterval    how often the routes file is checked for changes; zero disables watching
 * @param apiKeyRefresh     how often the API key snapshot is reloaded from the database
 * @param maxConnections    concurrent connections accepted
 * @param requestDeadline   a request's header section must arrive within this time of its first byte, and its
 *                          body within this time of the end of the headers (slowloris / slow POST defence)
 * @param upstreamIdentity  the gateway's own SVID for upstream mTLS on routes whose {@code upstream.tls} names no
 *                          certificate files, or {@code null} (then such routes are refused)
 */
public record GatewayOptions(Path routesFile, String host, int port, SSLContext tls, String clientAuth,
                             Duration clientReadTimeout, Duration reloadInterval, Duration apiKeyRefresh,
                             int maxConnections, Duration requestDeadline, UpstreamIdentity upstreamIdentity) {

    /**
     * The gateway's workload identity towards upstreams: a key manager presenting its X.509-SVID (renewed in place,
     * e.g. the SDK's {@code SpiffeKeyManager}) and a trust manager validating upstream SVID chains of the trust
     * domain; each route then checks the upstream's SPIFFE ID ({@code upstream.tls.expected-id}).
     *
     * @param keys  presents the gateway's SVID
     * @param trust validates the upstream's chain
     */
    public record UpstreamIdentity(X509KeyManager keys, X509TrustManager trust) {
        /** Validates. */
        public UpstreamIdentity {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(trust, "trust");
        }
    }

    /** Validates. */
    public GatewayOptions {
        Objects.requireNonNull(routesFile, "routesFile");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535");
        }
        if (!"none".equals(clientAuth) && !"optional".equals(clientAuth) && !"required".equals(clientAuth)) {
            throw new IllegalArgumentException("clientAuth must be none, optional or required");
        }
        Objects.requireNonNull(clientReadTimeout, "clientReadTimeout");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        Objects.requireNonNull(apiKeyRefresh, "apiKeyRefresh");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive");
        }
        Objects.requireNonNull(requestDeadline, "requestDeadline");
        if (requestDeadline.isNegative() || requestDeadline.isZero()) {
            throw new IllegalArgumentException("requestDeadline must be positive");
        }
    }

    /**
     * @return plain HTTP on {@code host:port}, 10 s client timeout, 30 s request deadline, watching the file every
     *         2 s, no upstream SVID
     */
    public static GatewayOptions of(Path routesFile, String host, int port) {
        return new GatewayOptions(routesFile, host, port, null, "none", Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(2), 10_000, Duration.ofSeconds(30), null);
    }

    /** @return a copy with TLS */
    public GatewayOptions withTls(SSLContext context, String clientAuthMode) {
        return new GatewayOptions(routesFile, host, port, context, clientAuthMode, clientReadTimeout, reloadInterval,
                apiKeyRefresh, maxConnections, requestDeadline, upstreamIdentity);
    }

    /** @return a copy with another client read timeout */
    public GatewayOptions withClientReadTimeout(Duration timeout) {
        return new GatewayOptions(routesFile, host, port, tls, clientAuth, timeout, reloadInterval, apiKeyRefresh,
                maxConnections, requestDeadline, upstreamIdentity);
    }

    /** @return a copy with another reload interval */
    public GatewayOptions withReloadInterval(Duration interval) {
        return new GatewayOptions(routesFile, host, port, tls, clientAuth, clientReadTimeout, interval, apiKeyRefresh,
                maxConnections, requestDeadline, upstreamIdentity);
    }

    /** @return a copy with another request deadline (header section, and body, each) */
    public GatewayOptions withRequestDeadline(Duration deadline) {
        return new GatewayOptions(routesFile, host, port, tls, clientAuth, clientReadTimeout, reloadInterval,
                apiKeyRefresh, maxConnections, deadline, upstreamIdentity);
    }

    /** @return a copy presenting {@code identity} to upstreams whose route names no certificate files */
    public GatewayOptions withUpstreamIdentity(UpstreamIdentity identity) {
        return new GatewayOptions(routesFile, host, port, tls, clientAuth, clientReadTimeout, reloadInterval,
                apiKeyRefresh, maxConnections, requestDeadline, identity);
    }
}
