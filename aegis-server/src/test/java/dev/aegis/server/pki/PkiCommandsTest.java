package dev.aegis.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload CA's CLI commands against a running server, through the same entry point as {@code ./aegis}. */
class PkiCommandsTest {

    @TempDir
    static Path dir;
    static PkiTestServer aegis;

    @BeforeAll
    static void start() {
        aegis = new PkiTestServer(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    private record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return PkiTestServer.JSON.readTree(out);
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add(aegis.server.baseUrl());
        if (!args[0].equals("bundle")) {
            all.add("--token");
            all.add(aegis.admin);
        }
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void registerListJoinTokenRevoke() throws Exception {
        Result reg = run("workloads", "register", "spiffe://test.aegis/cli/api", "--dns", "api.local", "--ttl", "30m", "--meta", "team=cli");
        assertEquals(0, reg.code(), reg.err());
        assertEquals("spiffe://test.aegis/cli/api", reg.json().path("spiffeId").asText());
        Result list = run("workloads", "list");
        assertEquals(0, list.code());
        assertTrue(list.out().contains("spiffe://test.aegis/cli/api"));
        Result token = run("jointoken", "create", "spiffe://test.aegis/cli/api", "--ttl", "10m");
        assertEquals(0, token.code(), token.err());
        assertTrue(token.json().path("token").asText().startsWith("aegis_jt_"));
        Result revoke = run("workloads", "revoke", "spiffe://test.aegis/cli/api");
        assertEquals(0, revoke.code(), revoke.err());
        Result again = run("workloads", "revoke", "spiffe://test.aegis/cli/api");
        assertEquals(1, again.code());
        assertTrue(again.err().startsWith("aegis: 404"), again.err());
    }

    @Test
    void caShowRotateAndBundleShow() throws Exception {
        Result show = run("ca", "show");
        assertEquals(0, show.code(), show.err());
        assertEquals("ACTIVE", show.json().path("generations").get(0).path("state").asText());
        Result rotate = run("ca", "rotate");
        assertEquals(0, rotate.code(), rotate.err());
        assertEquals("PENDING", rotate.json().path("generations").get(1).path("state").asText());
        Result bundle = run("bundle", "show");
        assertEquals(0, bundle.code(), bundle.err());
        assertEquals(2, bundle.json().path("keys").findValues("x5c").size(), "the pending CA is published before it issues");
    }

    @Test
    void pinsPublishAndShow() throws Exception {
        String pin = run("ca", "show").json().path("generations").get(0).path("rootSpkiSha256").asText();
        String backup = run("ca", "show").json().path("generations").get(0).path("intermediateSpkiSha256").asText();
        Result noBackup = run("pins", "publish", "spiffe://test.aegis", "--pin", pin, "--backup-pin", pin);
        assertEquals(1, noBackup.code());
        assertTrue(noBackup.err().contains("backup pin must differ"), noBackup.err());
        Result ok = run("pins", "publish", "spiffe://test.aegis", "--pin", pin, "--backup-pin", backup, "--ttl", "7d");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(run("pins", "show").out().contains(pin));
    }

    @Test
    void missingCredentialIsAUsageError() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                new String[] {"ca", "show", "--url", aegis.server.baseUrl()});
        assertEquals(2, code);
        assertTrue(err.toString().contains("admin credential is required"));
        assertFalse(err.toString().contains("Exception"));
    }
}
