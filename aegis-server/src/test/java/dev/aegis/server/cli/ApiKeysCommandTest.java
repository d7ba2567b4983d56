package dev.aegis.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.server.AegisServer;
import dev.aegis.server.Main;
import dev.aegis.server.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis apikeys create|list|revoke} on the configured (embedded) database, without a running server. */
class ApiKeysCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run aegis(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-d";
        all[args.length + 1] = dir.toString();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void createPrintsTheKeyOnceListShowsItWithoutTheKeyRevokeDisablesIt() {
        // An installation to work on: the first start creates the database and the root key file.
        AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("data-dir", dir.toString(),
                "server.port", "0", "pki.mtls.port", "0", "server.shutdown-grace", "1s")), Clock.systemUTC()).close();
        Run created = aegis("apikeys", "create", "--consumer", "billing");
        assertEquals(0, created.code(), created.err());
        String keyId = created.out().lines().filter(l -> l.startsWith("key id:")).findFirst().orElseThrow()
                .substring("key id:".length()).strip();
        String key = created.out().lines().reduce((a, b) -> b).orElseThrow().strip();

        Run listed = aegis("apikeys", "list");
        assertEquals(0, listed.code(), listed.err());
        assertTrue(listed.out().contains(keyId) && listed.out().contains("billing") && listed.out().contains("active"),
                listed.out());
        assertFalse(listed.out().contains(key), "the key itself is shown only on create");

        Run revoked = aegis("apikeys", "revoke", keyId);
        assertEquals(0, revoked.code(), revoked.err());
        assertTrue(aegis("apikeys", "list").out().contains("revoked"));
        Run again = aegis("apikeys", "revoke", keyId);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("no active API key"), again.err());
    }
}
