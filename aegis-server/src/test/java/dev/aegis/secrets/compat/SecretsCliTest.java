package dev.aegis.secrets.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.server.AegisServer;
import dev.aegis.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secrets CLI against a running server: operator init/unseal/seal, kv put/get/list/delete, transit. */
class SecretsCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run aegis(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void operatorInitUnsealThenKvAndTransit() throws Exception {
        AegisServer server = SecretsTestServer.start(dir.resolve("data"), Map.of("secrets.seal", "shamir"));
        try {
            String a = server.baseUrl();
            Run init = aegis("operator", "init", "-a", a);
            assertEquals(0, init.code(), init.err());
            List<String> keys = new ArrayList<>();
            String root = null;
            for (String line : init.out().split("\n")) {
                if (line.startsWith("Unseal Key ")) {
                    keys.add(line.substring(line.indexOf(": ") + 2).strip());
                } else if (line.startsWith("Initial Root Token: ")) {
                    root = line.substring("Initial Root Token: ".length()).strip();
                }
            }
            assertEquals(5, keys.size());
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, root);
            String tf = tokenFile.toString();

            Run sealed = aegis("kv", "get", "-a", a, "--token-file", tf, "secret/x");
            assertEquals(1, sealed.code());
            assertTrue(sealed.err().contains("Vault is sealed"), sealed.err());

            assertTrue(aegis("operator", "unseal", "-a", a, keys.get(0)).out().contains("Progress      1/3"));
            assertEquals(1, aegis("operator", "unseal", "-a", a, "bogus").code());
            aegis("operator", "unseal", "-a", a, keys.get(2));
            assertTrue(aegis("operator", "unseal", "-a", a, keys.get(4)).out().contains("Sealed        false"));

            assertEquals(0, aegis("kv", "put", "-a", a, "--token-file", tf, "secret/app/db", "user=app", "password=s3cr3t").code());
            assertEquals("s3cr3t\n", aegis("kv", "get", "-a", a, "--token-file", tf, "--field", "password", "secret/app/db").out());
            assertTrue(aegis("kv", "list", "-a", a, "--token-file", tf, "secret/app").out().contains("db"));
            Run cas = aegis("kv", "put", "-a", a, "--token-file", tf, "--cas", "0", "secret/app/db", "password=other");
            assertEquals(1, cas.code());
            assertTrue(cas.err().contains("check-and-set"), cas.err());
            assertEquals(0, aegis("kv", "delete", "-a", a, "--token-file", tf, "secret/app/db").code());
            assertEquals(1, aegis("kv", "get", "-a", a, "--token-file", tf, "secret/app/db").code());

            SecretsTestServer.call(server, "POST", "sys/mounts/transit", root, "{\"type\":\"transit\"}");
            Run enc = aegis("transit", "encrypt", "-a", a, "--token-file", tf, "payments", "hello world");
            assertEquals(0, enc.code(), enc.err());
            String ct = enc.out().strip();
            assertTrue(ct.startsWith("vault:v1:"));
            assertEquals("hello world\n", aegis("transit", "decrypt", "-a", a, "--token-file", tf, "payments", ct).out());

            assertEquals(0, aegis("operator", "seal", "-a", a, "--token-file", tf).code());
            assertTrue(aegis("operator", "status", "-a", a).out().contains("Sealed        true"));
            assertFalse(init.err().contains("Exception"));
        } finally {
            server.close();
        }
    }
}
