package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis authz ...}: the authorization engine over its HTTP API (the OpenFGA paths of a running Aegis).
 * The credential comes from {@code AEGIS_ADMIN_TOKEN} (the variable every admin command reads) or
 * {@code --token-file}, never from a command-line argument (other users can read those in the process list).
 * {@code AEGIS_TOKEN} is still read when {@code AEGIS_ADMIN_TOKEN} is unset; it is deprecated.
 */
@Command(name = "authz", description = "Authorization engine: stores, models, tuples, checks (over the HTTP API).",
        subcommands = {AuthzCommand.StoreCommand.class, AuthzCommand.ModelCommand.class, AuthzCommand.TupleCommand.class,
                AuthzCommand.Check.class, AuthzCommand.ListObjects.class})
public final class AuthzCommand {
    /** Exit code of {@code aegis authz check} when the answer is "denied" (0 is "allowed"). */
    public static final int DENIED = 3;
    static final ObjectMapper JSON = new ObjectMapper();

    /** Where the server is and how to authenticate. */
    static final class Client {
        @Option(names = "--url", description = "Aegis base URL (default: $AEGIS_URL or http://127.0.0.1:8443)")
        String url;

        @Option(names = "--token-file", description = "file holding the admin credential or an aegis:authz token "
                + "(default: $AEGIS_ADMIN_TOKEN)")
        Path tokenFile;

        @Option(names = "--store", description = "store id (default: $AEGIS_STORE)")
        String store;

        @Option(names = "--verbose", description = "print the cause of failures")
        boolean verbose;

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        String store() {
            String s = store != null ? store : System.getenv("AEGIS_STORE");
            if (s == null || s.isBlank()) {
                throw new CommandLine.ParameterException(new CommandLine(new Object()), "--store (or AEGIS_STORE) is required");
            }
            return s;
        }

        private String token() throws IOException {
            String t = tokenFile != null ? Files.readString(tokenFile, StandardCharsets.UTF_8).strip()
                    : System.getenv("AEGIS_ADMIN_TOKEN");
            if (t == null || t.isBlank()) {
                t = System.getenv("AEGIS_TOKEN"); // deprecated name, read before the variable was shared
            }
            if (t == null || t.isBlank()) {
                throw new IllegalStateException("no credential: set AEGIS_ADMIN_TOKEN or pass --token-file");
            }
            return t;
        }

        JsonNode call(String method, String path, String contentType, String body) throws IOException, InterruptedException {
            String base = url != null ? url : System.getenv().getOrDefault("AEGIS_URL", "http://127.0.0.1:8443");
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                req.header("Content-Type", contentType);
            }
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(json.path("code").asText("error") + ": " + json.path("message").asText(r.body()));
            }
            return json;
        }

        JsonNode post(String path, ObjectNode body) throws IOException, InterruptedException {
            return call("POST", path, "application/json", body.toString());
        }
    }

    static ObjectNode tupleKey(String object, String relation, String user) {
        ObjectNode k = JSON.createObjectNode();
        k.put("object", object);
        k.put("relation", relation);
        k.put("user", user);
        return k;
    }

    @Command(name = "store", description = "Create or list stores.",
            subcommands = {StoreCommand.Create.class, StoreCommand.ListStores.class})
    static final class StoreCommand {
        @Command(name = "create", description = "Create a store; prints its id.")
        static final class Create implements Callable<Integer> {
            @CommandLine.Mixin Client client;
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;
            @Parameters(index = "0", description = "store name") String name;

            @Override
            public Integer call() throws Exception {
                ObjectNode body = JSON.createObjectNode().put("name", name);
                spec.commandLine().getOut().println(client.post("/stores", body).path("id").asText());
                return ExitCode.OK;
            }
        }

        @Command(name = "list", description = "List stores (id and name).")
        static final class ListStores implements Callable<Integer> {
            @CommandLine.Mixin Client client;
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                String token = "";
                do {
                    JsonNode page = client.call("GET", "/stores?page_size=100"
                            + (token.isEmpty() ? "" : "&continuation_token=" + token), null, null);
                    for (JsonNode s : page.path("stores")) {
                        spec.commandLine().getOut().println(s.path("id").asText() + "  " + s.path("name").asText());
                    }
                    token = page.path("continuation_token").asText("");
                } while (!token.isEmpty());
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "model", description = "Write authorization models.", subcommands = ModelCommand.Write.class)
    static final class ModelCommand {
        @Command(name = "write", description = "Write a model from FILE (OpenFGA DSL or JSON); prints its id.")
        static final class Write implements Callable<Integer> {
            @CommandLine.Mixin Client client;
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;
            @Parameters(index = "0", description = "model file (.fga DSL or .json)") Path file;

            @Override
            public Integer call() throws Exception {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                boolean json = text.stripLeading().startsWith("{");
                JsonNode r = client.call("POST", "/stores/" + client.store() + "/authorization-models",
                        json ? "application/json" : "text/plain", text);
                spec.commandLine().getOut().println(r.path("authorization_model_id").asText());
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "tuple", description = "Write or delete relationship tuples.",
            subcommands = {TupleCommand.Write.class, TupleCommand.Delete.class})
    static final class TupleCommand {
        @Command(name = "write", description = "Write OBJECT RELATION USER; prints the consistency token.")
        static final class Write implements Callable<Integer> {
            @CommandLine.Mixin Client client;
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;
            @Parameters(index = "0") String object;
            @Parameters(index = "1") String relation;
            @Parameters(index = "2") String user;
            @Option(names = "--condition", description = "condition name") String condition;
            @Option(names = "--context", description = "condition context as a JSON object") String context;

            @Override
            public Integer call() throws Exception {
                ObjectNode key = tupleKey(object, relation, user);
                if (condition != null) {
                    ObjectNode c = key.putObject("condition").put("name", condition);
                    if (context != null) {
                        c.set("context", JSON.readTree(context));
                    }
                }
                ObjectNode body = JSON.createObjectNode();
                body.putObject("writes").putArray("tuple_keys").add(key);
                JsonNode r = client.post("/stores/" + client.store() + "/write", body);
                spec.commandLine().getOut().println(r.path("consistency_token").asText());
                return ExitCode.OK;
            }
        }

        @Command(name = "delete", description = "Delete OBJECT RELATION USER; prints the consistency token.")
        static final class Delete implements Callable<Integer> {
            @CommandLine.Mixin Client client;
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;
            @Parameters(index = "0") String object;
            @Parameters(index = "1") String relation;
            @Parameters(index = "2") String user;

            @Override
            public Integer call() throws Exception {
                ObjectNode body = JSON.createObjectNode();
                body.putObject("deletes").putArray("tuple_keys").add(tupleKey(object, relation, user));
                JsonNode r = client.post("/stores/" + client.store() + "/write", body);
                spec.commandLine().getOut().println(r.path("consistency_token").asText());
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "check", description = "May USER have RELATION on OBJECT? Exit 0 allowed, " + DENIED + " denied.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Mixin Client client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0") String object;
        @Parameters(index = "1") String relation;
        @Parameters(index = "2") String user;
        @Option(names = "--explain", description = "print the path that granted, or the branches that failed") boolean explain;
        @Option(names = "--context", description = "request context as a JSON object") String context;
        @Option(names = "--consistency-token", description = "answer from a snapshot at least this fresh") String token;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode();
            body.set("tuple_key", tupleKey(object, relation, user));
            if (explain) {
                body.put("explain", true);
            }
            if (context != null) {
                body.set("context", JSON.readTree(context));
            }
            if (token != null) {
                body.put("consistency_token", token);
            }
            JsonNode r = client.post("/stores/" + client.store() + "/check", body);
            PrintWriter out = spec.commandLine().getOut();
            boolean allowed = r.path("allowed").asBoolean(false);
            out.println((allowed ? "allowed" : "denied") + " (consistency token " + r.path("consistency_token").asText() + ")");
            if (explain && r.has("explain")) {
                print(out, r.get("explain"), 1);
            }
            out.flush();
            return allowed ? ExitCode.OK : DENIED;
        }

        private static void print(PrintWriter out, JsonNode node, int depth) {
            out.println("  ".repeat(depth) + (node.path("granted").asBoolean() ? "+ " : "- ") + node.path("step").asText()
                    + (node.has("detail") ? "  (" + node.get("detail").asText() + ")" : ""));
            for (JsonNode c : node.path("children")) {
                print(out, c, depth + 1);
            }
        }
    }

    @Command(name = "list-objects", description = "Objects of TYPE on which USER has RELATION.")
    static final class ListObjects implements Callable<Integer> {
        @CommandLine.Mixin Client client;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0") String type;
        @Parameters(index = "1") String relation;
        @Parameters(index = "2") String user;
        @Option(names = "--context", description = "request context as a JSON object") String context;
        @Option(names = "--consistency-token", description = "answer from a snapshot at least this fresh") String token;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode().put("type", type).put("relation", relation).put("user", user);
            if (context != null) {
                body.set("context", JSON.readTree(context));
            }
            if (token != null) {
                body.put("consistency_token", token);
            }
            JsonNode r = client.post("/stores/" + client.store() + "/list-objects", body);
            for (JsonNode o : r.path("objects")) {
                spec.commandLine().getOut().println(o.asText());
            }
            return ExitCode.OK;
        }
    }
}
