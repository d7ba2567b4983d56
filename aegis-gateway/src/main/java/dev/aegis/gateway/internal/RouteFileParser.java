package dev.aegis.gateway.internal;

import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.ratelimit.api.LimitScope;
import dev.aegis.ratelimit.api.UnavailablePolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a routes file into a {@link GatewayConfig}, validating everything: the first problem is reported with
 * file, line and key ({@link RouteFileException}); nothing is half-applied. Relative paths (certificates,
 * schemas) are resolved against the file's directory. Stateless; thread-safe.
 */
public final class RouteFileParser {

    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    static final Set<String> AUTH_METHODS = Set.of("jwt", "api-key", "mtls", "none");
    private static final long MAX_BODY = 64L * 1024 * 1024;

    private RouteFileParser() {
    }

    /** @return the parsed file @throws RouteFileException naming line and key */
    public static GatewayConfig parse(Path file) throws RouteFileException {
        String text;
        try {
            if (Files.size(file) > 4 * 1024 * 1024) {
                throw new RouteFileException(file.getFileName().toString(), 0, "(file)", "larger than 4 MiB");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RouteFileException(String.valueOf(file.getFileName()), 0, "(file)", "cannot be read: " + e.getClass().getSimpleName());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(String.valueOf(file.getFileName()), text, dir);
    }

    static GatewayConfig parse(String name, String text, Path baseDir) throws RouteFileException {
        YamlTree root = YamlTree.parse(name, text);
        List<GatewayConfig.Issuer> issuers = new ArrayList<>();
        Set<String> issuerNames = new HashSet<>();
        for (YamlTree t : root.mappings("issuers")) {
            GatewayConfig.Issuer issuer = issuer(t);
            if (!issuerNames.add(issuer.name())) {
                throw t.errorAt("name", "duplicate issuer name");
            }
            issuers.add(issuer);
        }
        GatewayConfig.Redis redis = redis(root.mapping("redis"));
        URI events = null;
        YamlTree revocation = root.mapping("revocation");
        if (revocation != null) {
            events = uri(revocation, "events-url", true);
            revocation.finish();
        }
        List<GatewayConfig.Route> routes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (YamlTree t : root.mappings("routes")) {
            GatewayConfig.Route route = route(t, issuerNames, baseDir);
            if (!ids.add(route.id())) {
                throw t.errorAt("id", "duplicate route id");
            }
            routes.add(route);
        }
        if (routes.isEmpty()) {
            throw root.errorAt("routes", "at least one route is required");
        }
        root.finish();
        return new GatewayConfig(issuers, routes, redis, events);
    }

    private static GatewayConfig.Issuer issuer(YamlTree t) throws RouteFileException {
        String name = t.requiredString("name");
        String iss = t.requiredString("issuer");
        URI discovery = uri(t, "discovery", false);
        URI jwks = uri(t, "jwks-uri", false);
        if ((discovery == null) == (jwks == null)) {
            throw t.errorAt("jwks-uri", "exactly one of discovery or jwks-uri is required");
        }
        Set<SigningAlgorithm> algs = EnumSet.noneOf(SigningAlgorithm.class);
        List<String> names = t.strings("algorithms");
        for (String a : names.isEmpty() ? List.of("ES256") : names) {
            SigningAlgorithm alg = SigningAlgorithm.findOrNull(a);
            if (alg == null) {
                throw t.errorAt("algorithms", "unsupported algorithm (allowed: ES256, EdDSA, RS256; never none or HS*)");
            }
            algs.add(alg);
        }
        GatewayConfig.Issuer issuer = new GatewayConfig.Issuer(name, iss, discovery, jwks, t.string("audience", null), algs,
                t.duration("clock-skew", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(5)),
                t.duration("refresh-min-interval", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1)));
        t.finish();
        return issuer;
    }

    private static GatewayConfig.Redis redis(YamlTree t) throws RouteFileException {
        if (t == null) {
            return null;
        }
        String uri = t.requiredString("uri");
        if (!uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
            throw t.errorAt("uri", "must start with redis:// or rediss://");
        }
        String policy = t.string("on-unavailable", "fail-closed");
        UnavailablePolicy p = switch (policy) {
            case "fail-open" -> UnavailablePolicy.FAIL_OPEN;
            case "fail-closed" -> UnavailablePolicy.FAIL_CLOSED;
            default -> throw t.errorAt("on-unavailable", "must be fail-open or fail-closed");
        };
        GatewayConfig.Redis r = new GatewayConfig.Redis(uri, p,
                t.duration("timeout", Duration.ofMillis(250), Duration.ofMillis(10), Duration.ofSeconds(10)));
        t.finish();
        return r;
    }

    private static GatewayConfig.Route route(YamlTree t, Set<String> issuers, Path baseDir) throws RouteFileException {
        String id = t.requiredString("id");
        YamlTree match = t.mapping("match");
        if (match == null) {
            throw t.errorAt("match", "is required");
        }
        String host = match.string("host", null);
        String prefix = match.string("path-prefix", "/");
        if (!prefix.startsWith("/") || prefix.contains("..") || prefix.contains("//") || prefix.indexOf('%') >= 0) {
            throw match.errorAt("path-prefix", "must be a normalised absolute path (starts with /, no .., // or %)");
        }
        Set<String> methods = new LinkedHashSet<>();
        for (String m : match.strings("methods")) {
            String up = m.toUpperCase(Locale.ROOT);
            if (!METHODS.contains(up)) {
                throw match.errorAt("methods", "unknown method " + m.replaceAll("[^A-Za-z]", "?"));
            }
            methods.add(up);
        }
        match.finish();
        if (methods.isEmpty()) {
            methods.addAll(List.of("GET", "HEAD"));
        }
        YamlTree up = t.mapping("upstream");
        if (up == null) {
            throw t.errorAt("upstream", "is required");
        }
        GatewayConfig.Upstream upstream = upstream(up, baseDir);
        GatewayConfig.Auth auth = auth(t.mapping("auth"), issuers, t);
        List<GatewayConfig.Limit> limits = new ArrayList<>();
        for (YamlTree l : t.mappings("limits")) {
            limits.add(limit(l));
        }
        GatewayConfig.Hardening hardening = hardening(t.mapping("hardening"), baseDir);
        int line = t.line();
        t.finish();
        return new GatewayConfig.Route(id, host == null ? null : host.toLowerCase(Locale.ROOT), stripTrailingSlash(prefix),
                methods, upstream, auth, limits, hardening, line);
    }

    private static GatewayConfig.Upstream upstream(YamlTree t, Path baseDir) throws RouteFileException {
        List<URI> targets = new ArrayList<>();
        for (String s : t.strings("targets")) {
            URI u;
            try {
                u = new URI(s);
            } catch (URISyntaxException e) {
                throw t.errorAt("targets", "not a URI");
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || (u.getPath() != null && !u.getPath().isEmpty() && !"/".equals(u.getPath())) || u.getQuery() != null) {
                throw t.errorAt("targets", "each target must be http(s)://host:port without path or query");
            }
            targets.add(u);
        }
        if (targets.isEmpty()) {
            throw t.errorAt("targets", "at least one target is required");
        }
        Duration connect = t.duration("connect-timeout", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1));
        Duration timeout = t.duration("timeout", Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofMinutes(10));
        int retries = t.integer("retries", 1, 0, 5);
        String healthPath = null;
        Duration healthInterval = Duration.ofSeconds(5);
        YamlTree health = t.mapping("health-check");
        if (health != null) {
            healthPath = health.requiredString("path");
            healthInterval = health.duration("interval", healthInterval, Duration.ofMillis(100), Duration.ofMinutes(10));
            health.finish();
        }
        int failures = 5;
        Duration openFor = Duration.ofSeconds(10);
        YamlTree breaker = t.mapping("circuit-breaker");
        if (breaker != null) {
            failures = breaker.integer("failure-threshold", failures, 1, 1000);
            openFor = breaker.duration("open-for", openFor, Duration.ofMillis(100), Duration.ofMinutes(30));
            breaker.finish();
        }
        GatewayConfig.UpstreamTls tls = null;
        YamlTree tt = t.mapping("tls");
        if (tt != null) {
            boolean files = tt.has("certificate") || tt.has("private-key") || tt.has("trust");
            // Without files the gateway presents its own SVID and trusts its trust domain: the upstream's SPIFFE ID
            // must then be named, or any workload of the domain would do.
            tls = files ? new GatewayConfig.UpstreamTls(file(tt, "certificate", baseDir), file(tt, "private-key", baseDir),
                    file(tt, "trust", baseDir), tt.string("expected-id", null))
                    : new GatewayConfig.UpstreamTls(null, null, null, tt.requiredString("expected-id"));
            tt.finish();
            for (URI u : targets) {
                if (!"https".equals(u.getScheme())) {
                    throw t.errorAt("targets", "targets must be https:// when upstream.tls is set");
                }
            }
        }
        t.finish();
        return new GatewayConfig.Upstream(targets, connect, timeout, retries, healthPath, healthInterval, failures,
                openFor, tls);
    }

    private static GatewayConfig.Auth auth(YamlTree t, Set<String> issuers, YamlTree route) throws RouteFileException {
        if (t == null) {
            throw route.errorAt("auth", "is required (use methods: [none] for a public route)");
        }
        Set<String> methods = new LinkedHashSet<>(t.strings("methods"));
        if (methods.isEmpty()) {
            throw t.errorAt("methods", "at least one of jwt, api-key, mtls, none is required");
        }
        for (String m : methods) {
            if (!AUTH_METHODS.contains(m)) {
                throw t.errorAt("methods", "must be jwt, api-key, mtls or none");
            }
        }
        if (methods.contains("none") && methods.size() > 1) {
            throw t.errorAt("methods", "none cannot be combined with other methods");
        }
        List<String> routeIssuers = t.strings("issuers");
        for (String i : routeIssuers) {
            if (!issuers.contains(i)) {
                throw t.errorAt("issuers", "names an issuer that is not defined under issuers");
            }
        }
        if (methods.contains("jwt") && issuers.isEmpty()) {
            throw t.errorAt("methods", "jwt needs at least one entry under issuers");
        }
        GatewayConfig.Auth auth = new GatewayConfig.Auth(methods, routeIssuers, new LinkedHashSet<>(t.strings("scopes")),
                new LinkedHashSet<>(t.strings("roles")), t.bool("require-sender-constraint", false),
                t.bool("authorization-hook", false));
        if (methods.contains("none") && (!auth.scopes().isEmpty() || !auth.roles().isEmpty())) {
            throw t.errorAt("scopes", "a public route (none) cannot require scopes or roles");
        }
        t.finish();
        return auth;
    }

    private static GatewayConfig.Limit limit(YamlTree t) throws RouteFileException {
        LimitScope by;
        try {
            by = LimitScope.fromConfigName(t.requiredString("by"));
        } catch (IllegalArgumentException e) {
            throw t.errorAt("by", e.getMessage());
        }
        int max = t.integer("max", 0, 1, 100_000_000);
        Duration window = t.duration("window", Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofDays(1));
        String algorithm = t.string("algorithm", "sliding-window");
        if (!"sliding-window".equals(algorithm) && !"token-bucket".equals(algorithm)) {
            throw t.errorAt("algorithm", "must be sliding-window or token-bucket");
        }
        if (!t.has("max")) {
            throw t.errorAt("max", "is required");
        }
        t.finish();
        return new GatewayConfig.Limit(by, max, window, "token-bucket".equals(algorithm));
    }

    private static GatewayConfig.Hardening hardening(YamlTree t, Path baseDir) throws RouteFileException {
        if (t == null) {
            return new GatewayConfig.Hardening(List.of(), List.of(), Set.of(), 1024 * 1024, 16 * 1024, 4096, null, null);
        }
        List<String> allow = t.strings("allow-cidrs");
        List<String> deny = t.strings("deny-cidrs");
        for (String c : allow) {
            checkCidr(t, "allow-cidrs", c);
        }
        for (String c : deny) {
            checkCidr(t, "deny-cidrs", c);
        }
        Set<String> types = new LinkedHashSet<>();
        for (String ct : t.strings("content-types")) {
            types.add(ct.toLowerCase(Locale.ROOT));
        }
        long body = t.longValue("max-body-bytes", 1024 * 1024, 0, MAX_BODY);
        int headers = t.integer("max-header-bytes", 16 * 1024, 256, 64 * 1024);
        int uri = t.integer("max-uri-bytes", 4096, 16, 16 * 1024);
        Path schema = t.has("json-schema") ? file(t, "json-schema", baseDir) : null;
        GatewayConfig.Cors cors = null;
        YamlTree c = t.mapping("cors");
        if (c != null) {
            List<String> origins = c.strings("origins");
            for (String o : origins) {
                if ("*".equals(o)) {
                    throw c.errorAt("origins", "wildcard origins are not allowed; list exact origins");
                }
            }
            Set<String> methods = new LinkedHashSet<>();
            for (String m : c.strings("methods")) {
                methods.add(m.toUpperCase(Locale.ROOT));
            }
            Set<String> hdrs = new LinkedHashSet<>();
            for (String h : c.strings("headers")) {
                hdrs.add(h.toLowerCase(Locale.ROOT));
            }
            cors = new GatewayConfig.Cors(new LinkedHashSet<>(origins), methods, hdrs,
                    c.duration("max-age", Duration.ofMinutes(10), Duration.ZERO, Duration.ofDays(1)),
                    c.bool("credentials", false));
            c.finish();
        }
        t.finish();
        return new GatewayConfig.Hardening(allow, deny, types, body, headers, uri, schema, cors);
    }

    private static void checkCidr(YamlTree t, String key, String cidr) throws RouteFileException {
        try {
            CidrBlock.parse(cidr);
        } catch (IllegalArgumentException e) {
            throw t.errorAt(key, "not a CIDR block (" + e.getMessage() + ")");
        }
    }

    private static URI uri(YamlTree t, String key, boolean required) throws RouteFileException {
        String s = required ? t.requiredString(key) : t.string(key, null);
        if (s == null) {
            return null;
        }
        try {
            URI u = new URI(s);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                throw t.errorAt(key, "must be an http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw t.errorAt(key, "must be an http(s) URL");
        }
    }

    private static Path file(YamlTree t, String key, Path baseDir) throws RouteFileException {
        Path p = baseDir.resolve(t.requiredString(key));
        if (!Files.isReadable(p)) {
            throw t.errorAt(key, "file not found or not readable");
        }
        return p;
    }

    private static String stripTrailingSlash(String prefix) {
        return prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
}
