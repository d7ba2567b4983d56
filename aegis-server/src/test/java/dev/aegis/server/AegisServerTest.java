package dev.aegis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.KeyState;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The foundation's server over real HTTP on loopback, with the embedded file database. */
class AegisServerTest {
    @TempDir
    Path dataDir;

    @Test
    void healthReadinessMetricsAndJwksAnswer() throws Exception {
        try (AegisServer server = TestServers.start(dataDir)) {
            HttpResponse<String> health = TestServers.get(server, "/healthz");
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"UP\"}", health.body());

            HttpResponse<String> ready = TestServers.get(server, "/readyz");
            assertEquals(200, ready.statusCode());
            assertTrue(ready.body().contains("\"store\":\"UP\""), ready.body());

            HttpResponse<String> metrics = TestServers.get(server, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("aegis_crypto_provider_info{"), "crypto provider gauge");
            assertTrue(metrics.body().contains("aegis_audit_recorded_total"), "audit counters");
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics");

            HttpResponse<String> jwks = TestServers.get(server, "/.well-known/jwks.json");
            assertEquals(200, jwks.statusCode());
            assertEquals("application/jwk-set+json", jwks.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(jwks.headers().firstValue("Cache-Control").orElseThrow().startsWith("public, max-age="));
            assertTrue(jwks.body().contains("\"alg\":\"ES256\""), jwks.body());
            assertFalse(jwks.body().contains("\"d\""), "the JWKS never carries a private key");
        }
    }

    @Test
    void unknownPathsGetProblemJsonWithoutEcho() throws Exception {
        try (AegisServer server = TestServers.start(dataDir)) {
            HttpResponse<String> response = TestServers.get(server, "/%3Cscript%3Ealert(1)%3C/script%3E");
            assertEquals(404, response.statusCode());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
            assertFalse(response.body().contains("script"), "the path is never echoed back");
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
        }
    }

    @Test
    void adminStatusRequiresTheBootstrapCredential() throws Exception {
        try (AegisServer server = TestServers.start(dataDir)) {
            String credential = server.bootstrapCredential().orElseThrow();

            HttpResponse<String> none = TestServers.get(server, "/admin/v1/status");
            assertEquals(401, none.statusCode());
            assertEquals("Bearer realm=\"aegis\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());

            HttpResponse<String> wrong = TestServers.get(server, "/admin/v1/status",
                    "Authorization", "Bearer aegis_bootstrap_" + "A".repeat(43));
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"invalid_token\""));

            HttpResponse<String> ok = TestServers.get(server, "/admin/v1/status", "Authorization", "Bearer " + credential);
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("\"tokens\":[{\"kid\""), ok.body());
            assertEquals("no-store", ok.headers().firstValue("Cache-Control").orElseThrow());
        }
    }

    @Test
    void bootstrapCredentialIsShownOnceAndNeverStoredOrLogged() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        String credential;
        try {
            try (AegisServer first = TestServers.start(dataDir)) {
                credential = first.bootstrapCredential().orElseThrow();
                assertTrue(credential.startsWith("aegis_bootstrap_"));
                TestServers.get(first, "/admin/v1/status", "Authorization", "Bearer " + credential);
            }
            try (AegisServer second = TestServers.start(dataDir)) {
                assertTrue(second.bootstrapCredential().isEmpty(), "shown on the first start only");
                assertEquals(200, TestServers.get(second, "/admin/v1/status", "Authorization", "Bearer " + credential).statusCode());
            }
        } finally {
            root.detachAppender(logs);
        }
        for (ILoggingEvent event : new ArrayList<>(logs.list)) {
            assertFalse(event.getFormattedMessage().contains(credential), "log line carries the credential");
            if (event.getKeyValuePairs() != null) {
                event.getKeyValuePairs().forEach(kv -> assertFalse(String.valueOf(kv.value).contains(credential)));
            }
        }
        assertFalse(filesContain(dataDir, credential), "the clear credential is in the data directory");
    }

    @Test
    void aFailedStartDoesNotBurnTheBootstrapCredential() throws Exception {
        try (java.net.ServerSocket occupied = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var config = TestServers.embeddedConfig(dataDir, java.util.Map.of("server.port", Integer.toString(occupied.getLocalPort())));
            assertThrows(AegisServer.StartupException.class, () -> AegisServer.start(config, java.time.Clock.systemUTC()));
        }
        try (AegisServer server = TestServers.start(dataDir)) {
            assertTrue(server.bootstrapCredential().isPresent(), "the credential is issued by the first start that succeeds");
        }
    }

    @Test
    void bearerSchemeIsCaseInsensitive() throws Exception {
        try (AegisServer server = TestServers.start(dataDir)) {
            String credential = server.bootstrapCredential().orElseThrow();
            assertEquals(200, TestServers.get(server, "/admin/v1/status", "Authorization", "bearer " + credential).statusCode());
        }
    }

    @Test
    void restartKeepsTheSameSigningKeys() throws Exception {
        String before;
        try (AegisServer server = TestServers.start(dataDir)) {
            before = TestServers.get(server, "/.well-known/jwks.json").body();
        }
        try (AegisServer server = TestServers.start(dataDir)) {
            assertEquals(before, TestServers.get(server, "/.well-known/jwks.json").body());
        }
    }

    @Test
    void gracefulShutdownAuditsTheStopAndReleasesThePort() throws Exception {
        AegisServer server = TestServers.start(dataDir);
        int port = server.port();
        server.close();
        server.close(); // idempotent
        assertThrows(java.io.IOException.class, () -> new java.net.Socket("127.0.0.1", port).close());
        try (Store store = Store.open(StoreConfig.embedded(dataDir))) {
            List<String> actions = store.inTransaction(connection -> {
                List<String> found = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT action FROM audit_records ORDER BY seq")) {
                    while (rows.next()) {
                        found.add(rows.getString(1));
                    }
                }
                return found;
            });
            assertEquals("server.start", actions.get(actions.indexOf("server.start")));
            assertEquals("server.stop", actions.get(actions.size() - 1), actions.toString());
        }
    }

    @Test
    void keyRingsAreActiveAfterFirstStart() {
        try (AegisServer server = TestServers.start(dataDir)) {
            assertTrue(Files.isRegularFile(dataDir.resolve("root.key")));
        }
        try (Store store = Store.open(StoreConfig.embedded(dataDir))) {
            long activeTokenKeys = store.inTransaction((Connection connection) -> {
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery(
                             "SELECT COUNT(*) FROM signing_keys WHERE ring_name = 'tokens' AND state = '" + KeyState.ACTIVE + "'")) {
                    rows.next();
                    return rows.getLong(1);
                }
            });
            assertEquals(1, activeTokenKeys);
        }
        assertTrue(KeyRing.empty().keys().isEmpty());
    }

    private static boolean filesContain(Path dir, String needle) throws Exception {
        byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (indexOf(Files.readAllBytes(file), bytes) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
