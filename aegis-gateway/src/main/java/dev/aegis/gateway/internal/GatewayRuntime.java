package dev.aegis.gateway.internal;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.gateway.api.ApiKeyInfo;
import dev.aegis.gateway.api.ApiKeyRegistry;
import dev.aegis.gateway.api.AuthorizationHook;
import dev.aegis.gateway.api.GatewayOptions;
import dev.aegis.gateway.api.ReloadResult;
import dev.aegis.ratelimit.api.LocalSlidingWindow;
import dev.aegis.ratelimit.api.RateLimiter;
import dev.aegis.ratelimit.api.RedisCounters;
import dev.aegis.ratelimit.api.TokenBucket;
import dev.aegis.ratelimit.api.UnavailablePolicy;
import dev.aegis.sdk.api.events.EventFeed;
import dev.aegis.sdk.api.token.DpopProofVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the gateway's changing parts: loads and compiles the routes file into a {@link GatewayState}, swaps it
 * on reload (a bad file is refused and the old state keeps serving; old upstream pools close after a grace
 * period so in-flight requests finish), keeps limiter counters, JWKS and the claims cache across reloads
 * when their configuration did not change, and applies revocation events. Thread-safe: reloads are
 * serialised by a lock, readers only read the volatile state.
 */
public final class GatewayRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);
    private static final Duration POOL_GRACE = Duration.ofSeconds(30);

    private final Path routesFile;
    /** The gateway's own SVID and the trust domain's validator, for routes without certificate files; nullable. */
    private final X509KeyManager svidKeys;
    private final X509TrustManager svidTrust;
    private final ClientDeadlines deadlines;
    private final ApiKeyRegistry apiKeys;
    private final AuthorizationHook hook;
    private final Clock clock;
    private final HttpClient http;
    private final ClaimsCache claims = new ClaimsCache(100_000);
    private final DpopProofVerifier dpop;
    private final GatewayMetrics metrics;
    private final DecisionAuditor auditor;
    private final Forwarder forwarder;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final ConcurrentHashMap<String, RateLimiter> perKey = new ConcurrentHashMap<>();
    private Map<String, RateLimiter> limiters = Map.of();
    private RedisCounters redis;
    private String redisUri;
    private JwtAuthenticator jwt;
    private byte[] loadedDigest = new byte[0];
    private volatile GatewayState state;
    private EventFeed feed;

    /**
     * Loads the routes file; fails if the first load fails (a gateway never starts without routes).
     *
     * @throws RouteFileException naming line and key
     */
    public GatewayRuntime(GatewayOptions options, AuditLog audit, ApiKeyRegistry apiKeys, MeterRegistry registry,
                          AuthorizationHook hook, Clock clock) throws RouteFileException {
        this.routesFile = options.routesFile();
        this.svidKeys = options.upstreamIdentity() == null ? null : options.upstreamIdentity().keys();
        this.svidTrust = options.upstreamIdentity() == null ? null : options.upstreamIdentity().trust();
        this.deadlines = new ClientDeadlines(options.requestDeadline());
        this.apiKeys = apiKeys;
        this.hook = hook;
        this.clock = clock;
        this.dpop = new DpopProofVerifier(clock, Duration.ofSeconds(60)); // RFC 9449: iat within ±60 s, each jti once
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.metrics = new GatewayMetrics(registry);
        this.auditor = new DecisionAuditor(audit, 65_536);
        this.metrics.bindAuditor(auditor);
        this.metrics.bindDeadlines(deadlines);
        this.forwarder = new Forwarder(metrics);
        ReloadResult first = reload();
        if (first instanceof ReloadResult.Refused r) {
            auditor.close();
            deadlines.close();
            throw new RouteFileException(routesFile.getFileName().toString(), r.line(), r.key(),
                    r.message().substring(r.message().indexOf(r.key() + ": ") + r.key().length() + 2));
        }
    }

    GatewayState state() {
        return state;
    }

    /** @return the request handler over the current state */
    public io.helidon.webserver.http.Handler handler() {
        return new GatewayHandler(this, clock);
    }

    /** @return the parsed configuration now serving */
    public GatewayConfig config() {
        return state.config();
    }

    /** Re-reads the routes file if it changed. @return applied, unchanged or refused (old config kept) */
    public ReloadResult reload() {
        reloadLock.lock();
        try {
            byte[] digest = digest(routesFile);
            if (state != null && Arrays.equals(digest, loadedDigest)) {
                return new ReloadResult.Unchanged();
            }
            GatewayConfig config;
            GatewayState next;
            try {
                config = RouteFileParser.parse(routesFile);
                next = compile(config);
            } catch (RouteFileException e) {
                LOG.atWarn().setMessage("routes file refused; the previous configuration keeps serving")
                        .addKeyValue("problem", e.getMessage()).log();
                return new ReloadResult.Refused(e.getMessage(), e.line(), e.key());
            }
            GatewayState old = state;
            state = next;
            loadedDigest = digest;
            if (old != null) {
                retire(old);
            }
            LOG.atInfo().setMessage("routes loaded").addKeyValue("routes", config.routes().size())
                    .addKeyValue("issuers", config.issuers().size()).log();
            return new ReloadResult.Applied(config.routes().size());
        } finally {
            reloadLock.unlock();
        }
    }

    private GatewayState compile(GatewayConfig config) throws RouteFileException {
        connectRedis(config);
        Map<String, RateLimiter> nextLimiters = new HashMap<>();
        List<CompiledRoute> routes = new ArrayList<>();
        List<UpstreamPool> created = new ArrayList<>();
        try {
            for (GatewayConfig.Route r : config.routes()) {
                CompiledRoute.BoundLimit[] bound = new CompiledRoute.BoundLimit[r.limits().size()];
                for (int i = 0; i < bound.length; i++) {
                    GatewayConfig.Limit l = r.limits().get(i);
                    String spec = r.id() + '#' + i + '|' + l + '|' + redisUri;
                    RateLimiter limiter = limiters.get(spec);
                    if (limiter == null) {
                        limiter = newLimiter(config, r.id() + "." + i, l);
                    }
                    nextLimiters.put(spec, limiter);
                    bound[i] = new CompiledRoute.BoundLimit(l.by(), limiter);
                }
                UpstreamPool pool = new UpstreamPool(r.id(), r.upstream(), sslContext(r));
                created.add(pool);
                routes.add(new CompiledRoute(r, bound, pool, schema(r)));
            }
        } catch (RouteFileException | RuntimeException e) {
            for (UpstreamPool p : created) {
                p.close();
            }
            throw e;
        }
        JwtAuthenticator nextJwt = new JwtAuthenticator(config.issuers(),
                jwt == null ? Map.of() : jwt.keySources(config.issuers()), http, claims, clock);
        nextJwt.preload();
        jwt = nextJwt;
        limiters = nextLimiters;
        perKey.clear();
        return new GatewayState(config, new RouteTable(routes), new Authenticator(nextJwt, apiKeys, dpop), forwarder,
                metrics, auditor, hook, this::perKeyLimiter);
    }

    private RateLimiter newLimiter(GatewayConfig config, String name, GatewayConfig.Limit l) {
        if (l.tokenBucket()) {
            return new TokenBucket(l.max(), l.window(), 100_000, clock);
        }
        if (redis != null) {
            return redis.slidingWindow(name, l.max(), l.window(), config.redis().onUnavailable());
        }
        return new LocalSlidingWindow(l.max(), l.window(), clock);
    }

    private RateLimiter perKeyLimiter(ApiKeyInfo key) {
        String spec = key.keyId() + '|' + key.limitMax() + '|' + key.limitWindow().toMillis();
        RateLimiter l = perKey.get(spec);
        if (l == null) {
            l = perKey.computeIfAbsent(spec, s -> redis != null
                    ? redis.slidingWindow("apikey." + key.keyId(), key.limitMax(), key.limitWindow(), state.config().redis().onUnavailable())
                    : new LocalSlidingWindow(key.limitMax(), key.limitWindow(), clock));
        }
        return l;
    }

    private void connectRedis(GatewayConfig config) throws RouteFileException {
        String uri = config.redis() == null ? null : config.redis().uri();
        if (java.util.Objects.equals(uri, redisUri)) {
            return;
        }
        RedisCounters next = null;
        if (uri != null) {
            try {
                next = RedisCounters.connect(uri, config.redis().timeout());
                metrics.bindRedis(next);
            } catch (RuntimeException e) {
                LOG.atWarn().setMessage("Redis for rate limits cannot be reached").addKeyValue("error", e.toString())
                        .addKeyValue("cause", String.valueOf(e.getCause())).log();
                if (config.redis().onUnavailable() == UnavailablePolicy.FAIL_CLOSED || state == null) {
                    throw new RouteFileException(routesFile.getFileName().toString(), 0, "redis.uri",
                            "Redis cannot be reached (" + e.getClass().getSimpleName() + ")");
                }
                throw new RouteFileException(routesFile.getFileName().toString(), 0, "redis.uri",
                        "Redis cannot be reached; keeping the previous configuration");
            }
        }
        RedisCounters old = redis;
        redis = next;
        redisUri = uri;
        if (old != null) {
            Thread.startVirtualThread(() -> {
                sleep(POOL_GRACE);
                old.close();
            });
        }
    }

    private SSLContext sslContext(GatewayConfig.Route r) throws RouteFileException {
        GatewayConfig.UpstreamTls tls = r.upstream().tls();
        if (tls == null) {
            return null;
        }
        try {
            if (tls.certificate() != null) {
                return UpstreamTlsContext.fromPem(tls);
            }
            if (svidKeys == null) {
                throw new RouteFileException(routesFile.getFileName().toString(), r.line(), "routes." + r.id() + ".upstream.tls",
                        "names no certificate files and this gateway has no SVID of its own (run it in aegis up, or give"
                                + " aegis gateway a join token)");
            }
            return UpstreamTlsContext.create(svidKeys, svidTrust, tls.expectedId());
        } catch (IOException | GeneralSecurityException e) {
            throw new RouteFileException(routesFile.getFileName().toString(), r.line(), "routes." + r.id() + ".upstream.tls",
                    "certificate, key or trust file unusable (" + e.getMessage() + ")");
        }
    }

    private JsonSchema schema(GatewayConfig.Route r) throws RouteFileException {
        Path file = r.hardening().jsonSchema();
        if (file == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException | RuntimeException e) {
            throw new RouteFileException(routesFile.getFileName().toString(), r.line(),
                    "routes." + r.id() + ".hardening.json-schema", "not a usable JSON Schema");
        }
    }

    private void retire(GatewayState old) {
        CompiledRoute[] routes = old.table().routes();
        Thread.startVirtualThread(() -> {
            sleep(POOL_GRACE);
            for (CompiledRoute r : routes) {
                r.pool.close();
            }
        });
    }

    /**
     * Applies one platform event: {@code token.revoked} (subject = jti, attribute exp in epoch seconds) drops
     * the cached claims and refuses the token from now on; {@code apikey.revoked} reloads the key snapshot.
     */
    public void onEvent(String topic, String subject, Map<String, String> attributes) {
        switch (topic) {
            case "token.revoked" -> {
                long exp = 0;
                String e = attributes.get("exp");
                if (e != null) {
                    try {
                        exp = Long.parseLong(e) * 1000;
                    } catch (NumberFormatException ignored) {
                        exp = 0;
                    }
                }
                claims.revoke(subject, exp, clock.millis());
                LOG.atInfo().setMessage("token revoked at the gateway").addKeyValue("jti", subject).log();
            }
            case "apikey.revoked" -> apiKeys.refresh();
            default -> {
                // other topics are not the gateway's
            }
        }
    }

    /**
     * Follows the control plane's event stream named by {@code revocation.events-url} (edge nodes that do not
     * share the event table). No-op when the routes file names none.
     *
     * @param bearer the credential for the stream, from the environment (never from the routes file)
     */
    public void followRemoteEvents(String bearer) {
        java.net.URI url = state.config().revocationEvents();
        if (url != null && feed == null) {
            // The SDK's feed, as every service runs it: resumes with Last-Event-ID, so no revocation is missed.
            feed = EventFeed.start(http, url, List.of("token.revoked", "apikey.revoked"), () -> bearer,
                    e -> onEvent(e.topic(), e.subject(), e.attributes()));
        }
    }

    /** @return the slow-client deadlines of this gateway's listener */
    public ClientDeadlines deadlines() {
        return deadlines;
    }

    ClaimsCache claimsCache() {
        return claims;
    }

    DecisionAuditor auditor() {
        return auditor;
    }

    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        GatewayState s = state;
        if (s != null) {
            for (CompiledRoute r : s.table().routes()) {
                r.pool.close();
            }
        }
        if (feed != null) {
            feed.close();
        }
        auditor.close();
        deadlines.close();
        if (redis != null) {
            redis.close();
        }
    }

    private static byte[] digest(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return new byte[0];
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
