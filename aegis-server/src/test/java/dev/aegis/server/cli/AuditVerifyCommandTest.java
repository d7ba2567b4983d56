package dev.aegis.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.server.AegisServer;
import dev.aegis.server.Main;
import dev.aegis.server.config.ConfigLoader;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's must-show: {@code aegis audit verify} passes on a server's data and, after a row is edited
 * by hand in the database, fails naming that record.
 */
class AuditVerifyCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void verifyPassesOnServerDataAndNamesAHandEditedRecord() throws Exception {
        runServerThatAudits();

        Result intact = cli("audit", "verify", "--data-dir", dataDir.toString());
        assertEquals(ExitCode.OK, intact.code(), intact.toString());
        assertTrue(intact.out().startsWith("audit chain intact: "), intact.out());

        long edited = 3;
        try (Store store = Store.open(StoreConfig.embedded(dataDir))) {
            int rows = store.inTransaction(connection -> {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE audit_records SET decision = ? WHERE seq = ?")) {
                    update.setString(1, AuditDecision.ALLOW.name());
                    update.setLong(2, edited);
                    return update.executeUpdate();
                }
            });
            assertEquals(1, rows);
        }

        Result broken = cli("audit", "verify", "--data-dir", dataDir.toString());
        assertEquals(ExitCode.FAILURE, broken.code(), broken.toString());
        assertTrue(broken.out().startsWith("audit chain BROKEN at record " + edited + ": MODIFIED"), broken.out());
    }

    @Test
    void verifyWithoutADataDirectoryFailsWithOneLine() {
        Result result = cli("audit", "verify", "--data-dir", dataDir.resolve("missing").toString());
        assertEquals(ExitCode.FAILURE, result.code());
        assertTrue(result.err().startsWith("aegis: no data directory at "), result.err());
        assertTrue(result.err().lines().count() == 1, "no stack trace without --verbose");
    }

    @Test
    void verifyNeverCreatesARootKey() throws Exception {
        runServerThatAudits();
        java.nio.file.Files.move(dataDir.resolve("root.key"), dataDir.resolve("root.key.moved"));
        Result result = cli("audit", "verify", "--data-dir", dataDir.toString());
        assertEquals(ExitCode.FAILURE, result.code());
        assertTrue(result.err().startsWith("aegis: no root key file at "), result.err());
        assertTrue(java.nio.file.Files.notExists(dataDir.resolve("root.key")), "verify created a root key");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(ExitCode.USAGE, cli("no-such-command").code());
        assertEquals(ExitCode.USAGE, cli("up", "--port", "not-a-number").code());
        Result badConfig = cli("up", "--data-dir", dataDir.toString(), "--port", "70000");
        assertEquals(ExitCode.USAGE, badConfig.code());
        assertEquals("aegis: server.port: must be an integer in 0..65535, got '70000'", badConfig.err().strip());
    }

    @Test
    void helpListsTheCommands() {
        Result help = cli("--help");
        assertEquals(ExitCode.OK, help.code());
        for (String command : new String[] {"up", "audit", "config", "version"}) {
            assertTrue(help.out().contains(command), help.out());
        }
    }

    /** Runs a server, makes it audit a few admin decisions (allowed and denied), then stops it. */
    private void runServerThatAudits() throws Exception {
        var config = ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("data-dir", dataDir.toString(), "server.port", "0", "pki.mtls.port", "0", "server.shutdown-grace", "1s"));
        try (AegisServer server = AegisServer.start(config, Clock.systemUTC())) {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/status")).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        }
    }

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {
    }
}
