package dev.aegis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Services hand batches of decisions to the audit trail over real HTTP. */
class AuditIngestApiTest {
    @TempDir
    Path dataDir;

    private static HttpResponse<String> post(AegisServer server, String credential, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/audit/v1/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        return TestServers.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBatchIsDurableInTheChainUnderTheCallersNameBeforeTheAnswer() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (AegisServer server = TestServers.start(dataDir)) {
            String credential = server.bootstrapCredential().orElseThrow();
            HttpResponse<String> accepted = post(server, credential, """
                    {"events":[
                      {"action":"orders.create","decision":"ALLOW","actor":"alice","resource":"/orders/1","service":"payments"},
                      {"action":"orders.create","decision":"DENY","actor":"bob","reason":"missing scope orders:write",
                       "time":"2026-12-01T10:00:00Z","details":{"scope":"orders:read"}},
                      {"action":"orders.read"}
                    ]}""");
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertEquals("{\"recorded\":3}", accepted.body());
        }
        try (Store store = Store.open(StoreConfig.embedded(dataDir))) {
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT action, decision, actor, service FROM audit_records"
                        + " WHERE action LIKE 'orders.%' ORDER BY seq"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                    }
                }
                return null;
            });
        }
        assertEquals(3, rows.size());
        assertEquals("DENY", rows.get(1)[1]);
        assertEquals("INFO", rows.get(2)[1], "no decision means INFO");
        for (String[] row : rows) {
            assertEquals("bootstrap-admin", row[3], "the service is the authenticated caller, not the body's claim");
        }
    }

    @Test
    void unauthenticatedAndMalformedBatchesAreRefusedAndRecordNothing() throws Exception {
        try (AegisServer server = TestServers.start(dataDir)) {
            String credential = server.bootstrapCredential().orElseThrow();
            String one = "{\"events\":[{\"action\":\"orders.read\"}]}";
            assertEquals(401, post(server, null, one).statusCode());
            assertEquals(401, post(server, "aegis_bootstrap_wrong", one).statusCode());
            assertEquals(400, post(server, credential, "not json").statusCode());
            assertEquals(400, post(server, credential, "{\"events\":[]}").statusCode());
            HttpResponse<String> badDecision = post(server, credential,
                    "{\"events\":[{\"action\":\"a\"},{\"action\":\"b\",\"decision\":\"MAYBE<script>\"}]}");
            assertEquals(400, badDecision.statusCode());
            assertTrue(badDecision.body().contains("events[1].decision"), badDecision.body());
            assertFalse(badDecision.body().contains("script"), "input is never echoed");
            StringBuilder many = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 501; i++) {
                many.append(i == 0 ? "" : ",").append("{\"action\":\"x\"}");
            }
            assertEquals(400, post(server, credential, many.append("]}").toString()).statusCode());
            assertEquals(400, post(server, credential, "{\"events\":[{\"action\":\"x\",\"details\":{\"n\":1}}]}").statusCode());
        }
        try (Store store = Store.open(StoreConfig.embedded(dataDir))) {
            long recorded = store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT COUNT(*) FROM audit_records WHERE action IN ('a', 'b', 'x', 'orders.read')");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertEquals(0, recorded, "a refused batch records nothing, not even its valid events");
        }
    }
}
