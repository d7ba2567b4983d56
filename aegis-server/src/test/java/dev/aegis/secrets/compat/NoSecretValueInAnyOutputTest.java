package dev.aegis.secrets.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.server.AegisServer;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Plants known secrets (a KV value, a transit plaintext, an AppRole secret ID, the root token, a token created
 * later) and scans every output for them: every log event at every level, the audit records in the database,
 * the JSON-lines audit file, every response except the one read that must return the value, and the raw bytes
 * of the data directory (the database file must hold envelopes only).
 */
class NoSecretValueInAnyOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void plantedSecretsAppearInNoLogAuditRecordJsonLineOrOtherResponse() throws Exception {
        String kvSecret = "planted-kv-" + SecureIds.token(12);
        String transitSecret = "planted-transit-" + SecureIds.token(12);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Level before = root.getLevel();
        root.setLevel(Level.ALL);
        root.addAppender(logs);
        List<String> otherResponses = new ArrayList<>();
        List<String> planted = new ArrayList<>(List.of(kvSecret, transitSecret, b64(kvSecret), b64(transitSecret)));
        String kvHash;
        AegisServer server = SecretsTestServer.start(dataDir, Map.of("audit.jsonl", "audit.jsonl"));
        try {
            String rootToken = server.secretsRootToken().orElseThrow();
            planted.add(rootToken);
            otherResponses.add(call(server, "POST", "secret/data/leak/db", rootToken, "{\"data\":{\"password\":\"" + kvSecret + "\"}}"));
            HttpResponse<String> read = SecretsTestServer.call(server, "GET", "secret/data/leak/db", rootToken, null);
            assertTrue(read.body().contains(kvSecret), "the one read returns the value");
            otherResponses.add(call(server, "GET", "secret/metadata/leak/db", rootToken, null));
            otherResponses.add(call(server, "POST", "secret/data/leak/db", rootToken, "{\"options\":{\"cas\":0},\"data\":{\"password\":\""
                    + kvSecret + "\"}}")); // a refused write must not echo it either
            otherResponses.add(call(server, "POST", "secret/data/leak/db", "hvs.wrong", "{\"data\":{\"password\":\"" + kvSecret + "\"}}"));

            otherResponses.add(call(server, "POST", "sys/mounts/transit", rootToken, "{\"type\":\"transit\"}"));
            otherResponses.add(call(server, "POST", "transit/encrypt/leak", rootToken, "{\"plaintext\":\"" + b64(transitSecret) + "\"}"));

            otherResponses.add(call(server, "POST", "sys/auth/approle", rootToken, "{\"type\":\"approle\"}"));
            otherResponses.add(call(server, "POST", "auth/approle/role/leak", rootToken, "{\"token_policies\":\"default\"}"));
            String roleId = JSON.readTree(call(server, "GET", "auth/approle/role/leak/role-id", rootToken, null))
                    .path("data").path("role_id").asText();
            JsonNode secretIdResponse = JSON.readTree(SecretsTestServer.call(server, "POST", "auth/approle/role/leak/secret-id",
                    rootToken, "{}").body());
            String secretId = secretIdResponse.path("data").path("secret_id").asText();
            planted.add(secretId);
            String login = SecretsTestServer.call(server, "POST", "auth/approle/login", null,
                    "{\"role_id\":\"" + roleId + "\",\"secret_id\":\"" + secretId + "\"}").body();
            String appToken = JSON.readTree(login).path("auth").path("client_token").asText();
            planted.add(appToken);
            otherResponses.add(call(server, "GET", "auth/token/lookup-self", appToken, null));
            otherResponses.add(call(server, "POST", "auth/approle/login", null,
                    "{\"role_id\":\"" + roleId + "\",\"secret_id\":\"" + secretId + "x\"}"));

            kvHash = JSON.readTree(call(server, "POST", "sys/audit-hash/aegis", rootToken,
                    "{\"input\":\"" + kvSecret + "\"}")).path("hash").asText();
            assertTrue(kvHash.startsWith("hmac-sha256:"));
        } finally {
            server.close();
            root.detachAppender(logs);
            root.setLevel(before);
        }

        List<String> auditRows = new ArrayList<>();
        try (Store store = Store.open(StoreConfig.embedded(dataDir))) {
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT actor, subject, action, resource, reason, details FROM audit_records");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StringBuilder b = new StringBuilder();
                        for (int i = 1; i <= 6; i++) {
                            b.append(rs.getString(i)).append('|');
                        }
                        auditRows.add(b.toString());
                    }
                }
                return null;
            });
        }
        List<String> logLines = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            logLines.add(e.getFormattedMessage() + " " + e.getKeyValuePairs() + " " + e.getMDCPropertyMap()
                    + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }
        String jsonLines = Files.readString(dataDir.resolve("audit.jsonl"));

        assertTrue(logLines.size() > 10, "logs were captured");
        assertTrue(auditRows.size() > 20, "requests were audited");
        assertTrue(String.join("\n", auditRows).contains(kvHash), "the audit trail holds the value's HMAC");
        assertTrue(jsonLines.contains(kvHash), "the JSON-lines sink holds the value's HMAC");
        for (String secret : planted) {
            assertAbsent(secret, "log", String.join("\n", logLines));
            assertAbsent(secret, "audit record", String.join("\n", auditRows));
            assertAbsent(secret, "JSON-lines audit", jsonLines);
            assertAbsent(secret, "response", String.join("\n", otherResponses));
        }
        for (String secret : List.of(kvSecret, transitSecret)) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(secret),
                            "plaintext secret stored in " + dataDir.relativize(f));
                }
            }
        }
        assertEquals(7, planted.stream().distinct().count(), "all planted values are distinct");
    }

    private static void assertAbsent(String secret, String where, String text) {
        assertFalse(text.contains(secret), "a planted secret appears in a " + where);
    }

    private static String call(AegisServer server, String method, String path, String token, String body) throws Exception {
        return SecretsTestServer.call(server, method, path, token, body).body();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
