package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.gateway.api.Gateway;
import dev.aegis.gateway.api.GatewayOptions;
import dev.aegis.gateway.api.ReloadResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload of the routes file over real HTTP. */
class GatewayReloadTest {

    @TempDir
    static Path dir;
    static TestWorld world;
    static TestWorld.Upstream v1;
    static TestWorld.Upstream v2;
    static Path routes;
    static Gateway gateway;

    static String file(String upstream, String extra) {
        return """
                routes:
                  - id: app
                    match: { path-prefix: /app }
                    upstream: { targets: [%s] }
                    auth: { methods: [none] }
                %s""".formatted(upstream, extra);
    }

    @BeforeAll
    static void start() throws Exception {
        world = new TestWorld(dir);
        v1 = world.upstream("v1");
        v2 = world.upstream("v2");
        routes = world.writeRoutes("routes.yaml", file(v1.url(), ""));
        gateway = world.gateway(GatewayOptions.of(routes, "127.0.0.1", 0).withReloadInterval(Duration.ofMillis(200)), null);
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void badFileIsRefusedWithLineAndKeyAndTheOldRoutesKeepServing() throws Exception {
        Files.writeString(routes, file(v1.url(), """
                  - id: broken
                    match: { path-prefix: /broken }
                    upstream: { targets: [%s], retries: 9 }
                    auth: { methods: [none] }
                """.formatted(v1.url())));
        ReloadResult r = gateway.reload();
        ReloadResult.Refused refused = assertInstanceOf(ReloadResult.Refused.class, r);
        assertEquals(8, refused.line(), refused.message());
        assertEquals("routes[1].upstream.retries", refused.key());
        assertTrue(refused.message().contains("routes.yaml:8: routes[1].upstream.retries: must be an integer in 0..5"),
                refused.message());
        assertEquals("v1", TestWorld.echo(world.get(gateway, "/app/x")).get("name"));
        Files.writeString(routes, file(v1.url(), "  - id: typo\n    matchh: {}\n"));
        ReloadResult.Refused typo = assertInstanceOf(ReloadResult.Refused.class, gateway.reload());
        assertEquals("routes[1].match", typo.key(), typo.message());
        Files.writeString(routes, file(v1.url(), ""));
        gateway.reload();
    }

    @Test
    void goodChangeIsAppliedWithoutDroppingAnOpenKeepAliveConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            assertTrue(roundTrip(out, in).contains("\"name\":\"v1\""));
            Files.writeString(routes, file(v2.url(), ""));
            long deadline = System.nanoTime() + 5_000_000_000L;
            String body = "";
            while (System.nanoTime() < deadline && !body.contains("\"name\":\"v2\"")) {
                Thread.sleep(100); // the watcher picks the change up by itself
                body = roundTrip(out, in); // same connection throughout
            }
            assertTrue(body.contains("\"name\":\"v2\""), body);
        } finally {
            Files.writeString(routes, file(v1.url(), ""));
            gateway.reload();
        }
    }

    private static String roundTrip(OutputStream out, BufferedReader in) throws Exception {
        out.write("GET /app/x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = in.readLine();
        assertTrue(status.startsWith("HTTP/1.1 200"), status);
        int length = 0;
        String line;
        while (!(line = in.readLine()).isEmpty()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return new String(body);
    }
}
