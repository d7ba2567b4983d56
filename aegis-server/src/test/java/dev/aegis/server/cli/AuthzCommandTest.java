package dev.aegis.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.server.AegisServer;
import dev.aegis.server.Main;
import dev.aegis.server.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis authz ...} against a started server: store, model, tuples, check --explain, list-objects. */
class AuthzCommandTest {
    @TempDir
    static Path dir;
    static AegisServer server;
    static Path tokenFile;

    record Result(int code, String out, String err) { }

    @BeforeAll
    static void start() throws Exception {
        server = AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("data-dir", dir.resolve("data").toString(),
                "server.port", "0", "server.shutdown-grace", "1s")), Clock.systemUTC());
        tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, server.bootstrapCredential().orElseThrow());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Result aegis(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + server.baseUrl());
        all.add("--token-file=" + tokenFile);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(code, out.toString().strip(), err.toString().strip());
    }

    @Test
    void storeModelTupleCheckAndListObjects() throws Exception {
        Result store = aegis("authz", "store", "create", "cli");
        assertEquals(0, store.code(), store.err());
        String storeId = store.out();
        assertTrue(aegis("authz", "store", "list").out().contains(storeId));
        Path model = dir.resolve("blog.fga");
        Files.copy(AuthzCommandTest.class.getResourceAsStream("/authz/blog.fga"), model);
        Result written = aegis("authz", "model", "write", model.toString(), "--store=" + storeId);
        assertEquals(0, written.code(), written.err());
        assertEquals(26, written.out().length());

        Result token = aegis("authz", "tuple", "write", "blog:main", "editor", "user:alice", "--store=" + storeId);
        assertEquals(0, token.code(), token.err());
        assertTrue(token.out().startsWith("z"), token.out());
        aegis("authz", "tuple", "write", "blog:main", "admin", "user:bob", "--store=" + storeId);

        Result allowed = aegis("authz", "check", "blog:main", "edit_post", "user:alice", "--explain", "--store=" + storeId);
        assertEquals(0, allowed.code(), allowed.err());
        assertTrue(allowed.out().startsWith("allowed"), allowed.out());
        assertTrue(allowed.out().contains("tuple blog:main#editor@user:alice"), allowed.out());

        Result denied = aegis("authz", "check", "blog:main", "manage_users", "user:alice", "--explain", "--store=" + storeId);
        assertEquals(AuthzCommand.DENIED, denied.code(), denied.err());
        assertTrue(denied.out().startsWith("denied"), denied.out());
        assertTrue(denied.out().contains("blog:main#admin"), denied.out());

        assertEquals("blog:main", aegis("authz", "list-objects", "blog", "manage_users", "user:bob", "--store=" + storeId).out());
        Result deleted = aegis("authz", "tuple", "delete", "blog:main", "admin", "user:bob", "--store=" + storeId);
        assertEquals(0, deleted.code(), deleted.err());
        Result after = aegis("authz", "list-objects", "blog", "manage_users", "user:bob", "--store=" + storeId,
                "--consistency-token=" + deleted.out());
        assertEquals(0, after.code(), after.err());
        assertEquals("", after.out());
    }

    @Test
    void serverErrorsAreOneLine() {
        Result r = aegis("authz", "check", "blog:main", "edit_post", "user:alice", "--store=01HZZZZZZZZZZZZZZZZZZZZZZZ");
        assertEquals(ExitCode.FAILURE, r.code());
        assertEquals("aegis: store_id_not_found: store_id not found", r.err());
    }
}
