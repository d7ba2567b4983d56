package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RouteFileParserTest {

    static final String ROUTE = """
            routes:
              - id: r
                match: { path-prefix: /r }
                upstream: { targets: ["http://127.0.0.1:1"] }
                auth: { methods: [none] }
            """;

    static Stream<Arguments> badFiles() {
        return Stream.of(
            Arguments.of("routes: []", 1, "routes", "at least one route is required"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: r }\n    upstream: { targets: [\"http://h:1\"] }\n    auth: { methods: [none] }", 3, "routes[0].match.path-prefix", "must be a normalised absolute path"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"ftp://h\"] }\n    auth: { methods: [none] }", 4, "routes[0].upstream.targets", "each target must be http(s)"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"http://h:1\"] }\n    auth: { methods: [magic] }", 5, "routes[0].auth.methods", "must be jwt, api-key, mtls or none"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"http://h:1\"] }\n", 2, "routes[0].auth", "is required"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r, methods: [BREW] }\n    upstream: { targets: [\"http://h:1\"] }\n    auth: { methods: [none] }", 3, "routes[0].match.methods", "unknown method"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"http://h:1\"] }\n    auth: { methods: [jwt] }", 5, "routes[0].auth.methods", "jwt needs at least one entry under issuers"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"http://h:1\"] }\n    auth: { methods: [none] }\n    hardening: { deny-cidrs: [10.0.0.0/40] }", 6, "routes[0].hardening.deny-cidrs", "not a CIDR block"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"http://h:1\"] }\n    auth: { methods: [none] }\n    limits: [{ by: ip, max: 5 }]", 6, "routes[0].limits[0].by", "must be one of api-key"),
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"http://h:1\"], timeout: soon }\n    auth: { methods: [none] }", 4, "routes[0].upstream.timeout", "must be a duration"),
            // Upstream mTLS with the gateway's own SVID must name the upstream's SPIFFE ID, or any workload would do.
            Arguments.of("routes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"https://h:1\"], tls: {} }\n    auth: { methods: [none] }", 4, "routes[0].upstream.tls.expected-id", "is required"),
            Arguments.of("issuers:\n  - { name: a, issuer: x, discovery: \"https://a/.well-known/openid-configuration\", algorithms: [HS256] }\nroutes: []", 2, "issuers[0].algorithms", "unsupported algorithm"),
            Arguments.of("redis: { uri: \"http://r\" }\nroutes: []", 1, "redis.uri", "must start with redis://"),
            Arguments.of("routes:\n  - id: r\n    id: s", 3, "routes[0].id", "duplicate key"),
            Arguments.of("routes: [ {", 1, "(syntax)", ""),
            Arguments.of("extra: 1\nroutes:\n  - id: r\n    match: { path-prefix: /r }\n    upstream: { targets: [\"http://h:1\"] }\n    auth: { methods: [none] }", 1, "extra", "unknown key"));
    }

    /** Each bad file, the line and key named, and the problem. */
    @ParameterizedTest
    @MethodSource("badFiles")
    void badFileNamesLineAndKey(String yaml, int line, String key, String problem) {
        RouteFileException e = assertThrows(RouteFileException.class,
                () -> RouteFileParser.parse("routes.yaml", yaml, Path.of(".")));
        assertEquals(key, e.key(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(problem), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("routes.yaml:" + line + ": " + key + ": "), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"r|/r|GET,HEAD"})
    void goodFileParses(String id, String prefix, String methods) throws Exception {
        GatewayConfig c = RouteFileParser.parse("routes.yaml", ROUTE, Path.of("."));
        assertEquals(id, c.routes().get(0).id());
        assertEquals(prefix, c.routes().get(0).pathPrefix());
        assertEquals(java.util.Set.of(methods.split(",")), c.routes().get(0).methods());
    }
}
