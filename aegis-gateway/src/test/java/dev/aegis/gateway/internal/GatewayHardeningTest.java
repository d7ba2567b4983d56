package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.gateway.api.Gateway;
import dev.aegis.gateway.api.GatewayOptions;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request hardening over real HTTP, one test per refusal, attacks named after the attack. */
class GatewayHardeningTest {

    @TempDir
    static Path dir;
    static TestWorld world;
    static TestWorld.Upstream upstream;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir);
        upstream = world.upstream("api");
        Files.writeString(dir.resolve("order.schema.json"), """
                {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                 "required":["item","quantity"],
                 "properties":{"item":{"type":"string","maxLength":64},"quantity":{"type":"integer","minimum":1}},
                 "additionalProperties":false}
                """);
        Path routes = world.writeRoutes("routes.yaml", """
                routes:
                  - id: public
                    match: { path-prefix: /public, methods: [GET] }
                    upstream: { targets: [%1$s] }
                    auth: { methods: [none] }
                    limits:
                      - { by: source, max: 1000, window: 1m }
                  - id: admin
                    match: { path-prefix: /admin, methods: [GET] }
                    upstream: { targets: [%1$s] }
                    auth: { methods: [api-key] }
                  - id: intake
                    match: { path-prefix: /intake, methods: [POST] }
                    upstream: { targets: [%1$s] }
                    auth: { methods: [none] }
                    hardening:
                      content-types: [application/json]
                      max-body-bytes: 256
                      max-header-bytes: 2048
                      max-uri-bytes: 128
                      json-schema: order.schema.json
                      cors: { origins: [https://app.example.com], methods: [POST], headers: [content-type] }
                  - id: intranet
                    match: { path-prefix: /intranet }
                    upstream: { targets: [%1$s] }
                    auth: { methods: [none] }
                    hardening: { allow-cidrs: [10.0.0.0/8, "fd00::/8"] }
                  - id: blocked
                    match: { path-prefix: /blocked }
                    upstream: { targets: [%1$s] }
                    auth: { methods: [none] }
                    hardening: { deny-cidrs: [127.0.0.0/8] }
                  - id: tiny
                    match: { path-prefix: /tiny }
                    upstream: { targets: [%1$s] }
                    auth: { methods: [none] }
                    limits:
                      - { by: source, max: 2, window: 1m }
                """.formatted(upstream.url()));
        gateway = world.gateway(GatewayOptions.of(routes, "127.0.0.1", 0).withReloadInterval(Duration.ZERO)
                .withClientReadTimeout(Duration.ofSeconds(1)).withRequestDeadline(Duration.ofSeconds(2)), null);
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void dotDotTraversalIsNormalisedBeforeMatchingSoTheAdminRouteStillNeedsItsKey() throws Exception {
        String raw = RawHttp.exchange(gateway.port(), "GET /public/../admin/secrets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
        assertTrue(raw.startsWith("HTTP/1.1 401"), raw);
        assertEquals(0, world.audit.stats().failedOpen());
    }

    @Test
    void encodedDotDotAndEncodedSlashAndBackslashAreRefused() throws Exception {
        for (String path : new String[] {"/public/%2e%2e/admin", "/public%2F..%2Fadmin", "/public/..%5Cadmin",
                "/public\\..\\admin", "/public/%00", "/public/%252e%252e/admin", "/../admin"}) {
            String raw = RawHttp.exchange(gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
            assertTrue(raw.startsWith("HTTP/1.1 400"), path + " -> " + raw);
        }
    }

    @Test
    void doubleSlashesAndDotSegmentsAreCollapsedAndTheUpstreamSeesTheNormalisedPath() throws Exception {
        HttpResponse<String> r = world.get(gateway, "/public//a/./b/../c");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("/public/a/c", TestWorld.echo(r).get("path"));
    }

    @Test
    void requestSmugglingWithContentLengthAndTransferEncodingIsRefusedAndTheConnectionClosed() throws Exception {
        String smuggle = "POST /public/x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /admin/secrets HTTP/1.1\r\nHost: x\r\n\r\n";
        String raw = RawHttp.exchange(gateway.port(), smuggle, 3000);
        assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
        assertFalse(raw.contains("HTTP/1.1 401"), "the smuggled second request was never processed");
    }

    @Test
    void requestSmugglingWithTwoDifferentContentLengthsIsRefused() throws Exception {
        String raw = RawHttp.exchange(gateway.port(),
                "POST /intake HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{}abc", 3000);
        assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
    }

    @Test
    void slowlorisClientIsDisconnectedAfterTheReadTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(8000);
            // One complete request, then the connection is held open sending nothing (a slow client's idle hold).
            s.getOutputStream().write("GET /public/x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            String response = RawHttp.readAll(in); // the first response, then the server must close on us
            int end = in.read();
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertEquals(-1, end);
            assertTrue(waited < 7000, "disconnected by the 1 s idle timeout, waited " + waited + " ms");
        }
    }

    @Test
    void slowlorisTricklingHeaderLinesIsCutAtTheHeaderDeadline() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(500);
            // Each line arrives well inside the 1 s idle timeout, so only a deadline on the whole header section stops it.
            s.getOutputStream().write("GET /public/x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            StringBuilder answer = new StringBuilder();
            boolean closed = false;
            for (int i = 0; i < 20 && !closed; i++) {
                try {
                    s.getOutputStream().write(("X-Pad-" + i + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    closed = true; // the gateway has closed on us
                    break;
                }
                try {
                    int n;
                    byte[] buf = new byte[4096];
                    while ((n = s.getInputStream().read(buf)) > 0) {
                        answer.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                    closed = n < 0;
                } catch (java.net.SocketTimeoutException e) {
                    // nothing yet: keep trickling
                } catch (java.io.IOException e) {
                    closed = true;
                }
            }
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closed, "connection still open after " + waited + " ms of trickled headers");
            assertTrue(waited < 6000, "cut by the 2 s header deadline, took " + waited + " ms");
            assertTrue(answer.isEmpty() || answer.toString().startsWith("HTTP/1.1 408"), answer.toString());
        }
    }

    @Test
    void slowPostTricklingTheBodyIsRefusedWith408AtTheBodyDeadline() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(500);
            String body = "{\"item\":\"a\",\"quantity\":1}";
            s.getOutputStream().write(("POST /intake HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            StringBuilder answer = new StringBuilder();
            for (int i = 0; i < body.length() - 1 && answer.indexOf("\r\n\r\n") < 0; i++) {
                try {
                    s.getOutputStream().write(body.charAt(i)); // one byte per 500 ms, never the last one in time
                    byte[] buf = new byte[4096];
                    int n = s.getInputStream().read(buf);
                    if (n < 0) {
                        break;
                    }
                    answer.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                } catch (java.net.SocketTimeoutException e) {
                    // nothing yet
                } catch (java.io.IOException e) {
                    break;
                }
            }
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer.toString().startsWith("HTTP/1.1 408"), "after " + waited + " ms: " + answer);
            assertTrue(answer.toString().toLowerCase(java.util.Locale.ROOT).contains("application/problem+json"), answer.toString());
            assertTrue(waited < 6000, "refused at the 2 s body deadline, took " + waited + " ms");
        }
        assertTrue(auditedDenials("request_timeout") > 0, "the slow POST is audited as a deny with its reason");
    }

    @Test
    void sourceOutsideTheAllowListAndInsideTheDenyListIsRefused() throws Exception {
        assertEquals(403, world.get(gateway, "/intranet/x").statusCode());
        assertEquals(403, world.get(gateway, "/blocked/x").statusCode());
        assertEquals(200, world.get(gateway, "/public/x").statusCode());
    }

    @Test
    void methodOutsideTheRouteIsRefusedWith405() throws Exception {
        assertEquals(405, world.send(gateway, "DELETE", "/public/x", null).statusCode());
        assertEquals(404, world.get(gateway, "/nowhere").statusCode());
    }

    @Test
    void contentTypeOutsideTheAllowListIsRefusedWith415() throws Exception {
        assertEquals(415, world.send(gateway, "POST", "/intake", "item=x", "Content-Type", "application/x-www-form-urlencoded").statusCode());
    }

    @Test
    void bodyOverTheLimitIsRefusedWith413() throws Exception {
        String big = "{\"item\":\"" + "x".repeat(400) + "\",\"quantity\":1}";
        assertEquals(413, world.send(gateway, "POST", "/intake", big, "Content-Type", "application/json").statusCode());
    }

    @Test
    void headersOverTheLimitAreRefusedWith431AndUriOverTheLimitWith414() throws Exception {
        assertEquals(431, world.send(gateway, "POST", "/intake", "{}", "Content-Type", "application/json",
                "X-Padding", "p".repeat(3000)).statusCode());
        assertEquals(414, world.send(gateway, "POST", "/intake?q=" + "a".repeat(200), "{}", "Content-Type", "application/json").statusCode());
    }

    @Test
    void bodyViolatingTheJsonSchemaIsRefusedAndAValidOneForwarded() throws Exception {
        assertEquals(400, world.send(gateway, "POST", "/intake", "{\"item\":\"book\",\"quantity\":0}",
                "Content-Type", "application/json").statusCode());
        assertEquals(400, world.send(gateway, "POST", "/intake", "{\"item\":\"book\",\"quantity\":1,\"admin\":true}",
                "Content-Type", "application/json").statusCode());
        assertEquals(400, world.send(gateway, "POST", "/intake", "not json", "Content-Type", "application/json").statusCode());
        HttpResponse<String> ok = world.send(gateway, "POST", "/intake", "{\"item\":\"book\",\"quantity\":2}",
                "Content-Type", "application/json; charset=utf-8");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("{\"item\":\"book\",\"quantity\":2}", TestWorld.echo(ok).get("body"));
    }

    @Test
    void corsPreflightFromAnAllowedOriginIsAnsweredAndAForeignOriginRefused() throws Exception {
        HttpResponse<String> pre = world.send(gateway, "OPTIONS", "/intake", null, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
        assertEquals(204, pre.statusCode());
        assertEquals("https://app.example.com", pre.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertEquals(403, world.send(gateway, "OPTIONS", "/intake", null, "Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST").statusCode());
        assertEquals(403, world.send(gateway, "POST", "/intake", "{\"item\":\"a\",\"quantity\":1}", "Origin", "https://evil.example",
                "Content-Type", "application/json").statusCode());
    }

    @Test
    void apiKeyInTheQueryStringIsRefused() throws Exception {
        HttpResponse<String> r = world.get(gateway, "/admin/x?api_key=agk_AAAAAAAAAAAA_" + "A".repeat(43));
        assertEquals(400, r.statusCode());
        assertFalse(r.body().contains("agk_"), "the key is not echoed");
    }

    @Test
    void overTheLimitGets429WithRetryAfterAndRateLimitHeaders() throws Exception {
        assertEquals(200, world.get(gateway, "/tiny/1").statusCode());
        HttpResponse<String> second = world.get(gateway, "/tiny/2");
        assertEquals(200, second.statusCode());
        assertEquals("0", second.headers().firstValue("RateLimit-Remaining").orElse(""));
        HttpResponse<String> third = world.get(gateway, "/tiny/3");
        assertEquals(429, third.statusCode());
        long retry = Long.parseLong(third.headers().firstValue("Retry-After").orElse("0"));
        assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
        assertEquals("2", third.headers().firstValue("RateLimit-Limit").orElse(""));
        assertEquals("0", third.headers().firstValue("RateLimit-Remaining").orElse(""));
    }

    @Test
    void everyDecisionIsCountedPerRouteAndDecisionAndAudited() throws Exception {
        world.get(gateway, "/blocked/metrics");
        world.get(gateway, "/public/metrics");
        String scrape = world.metrics.scrape();
        assertTrue(scrape.contains("aegis_gateway_requests_total{code=\"ip_denied\",decision=\"deny\",route=\"blocked\"}"), scrape);
        assertTrue(scrape.contains("decision=\"allow\",route=\"public\""), scrape);
        int denies = auditedDenials("ip_denied");
        assertTrue(denies > 0, "deny decisions reach the hash-chained audit trail with their reason");
    }

    @Test
    void connectionCloseFromTheClientClosesTheConnectionAfterTheResponse() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /public/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            long start = System.nanoTime();
            String response = RawHttp.readAll(in);
            int end = in.read();
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertEquals(-1, end, "closed by the server");
            assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
        }
    }

    /** Polls the audit trail (written off the request path) for denials whose reason starts with {@code code}. */
    private static int auditedDenials(String code) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int denies = 0;
        while (System.nanoTime() < deadline) {
            try (var c = world.store.dataSource().getConnection();
                 var ps = c.prepareStatement("SELECT COUNT(*) FROM audit_records WHERE action = 'gateway.deny' AND reason LIKE ?")) {
                ps.setString(1, code + "%");
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    denies = rs.getInt(1);
                }
            }
            if (denies > 0) {
                return denies;
            }
            Thread.sleep(50);
        }
        return denies;
    }
}
