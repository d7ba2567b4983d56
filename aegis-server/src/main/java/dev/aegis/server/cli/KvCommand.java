package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aegis kv get|put|delete|list}: KV version 2 of a running Aegis. A path is {@code <mount>/<key>}, e.g.
 * {@code secret/app/db} (the {@code data/} and {@code metadata/} segments are added, as {@code vault kv} does).
 */
@Command(name = "kv", description = "Read and write KV version 2 secrets.",
        subcommands = {KvCommand.Get.class, KvCommand.Put.class, KvCommand.Delete.class, KvCommand.ListKeys.class})
public final class KvCommand {

    static String[] split(String path) {
        String p = path.replaceAll("^/+", "");
        int slash = p.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("a KV path is <mount>/<key>, e.g. secret/app/db");
        }
        return new String[] {p.substring(0, slash), p.substring(slash + 1)};
    }

    @Command(name = "get", description = "Print a secret (one key=value per line, or --field for one value).")
    static final class Get implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "PATH") String path;
        @Option(names = "--version", description = "a specific version") Integer version;
        @Option(names = "--field", description = "print only this field's value") String field;

        @Override
        public Integer call() throws Exception {
            String[] mk = split(path);
            VaultApiClient.Answer a = api.call("GET", mk[0] + "/data/" + mk[1] + (version == null ? "" : "?version=" + version), null, true);
            if (a.status() == 404) {
                spec.commandLine().getErr().println("aegis: no value at " + path);
                return ExitCode.FAILURE;
            }
            JsonNode data = api.expectOk(a).body().path("data").path("data");
            PrintWriter out = spec.commandLine().getOut();
            if (field != null) {
                if (!data.has(field)) {
                    spec.commandLine().getErr().println("aegis: no field " + field + " at " + path);
                    return ExitCode.FAILURE;
                }
                out.println(data.get(field).isTextual() ? data.get(field).asText() : data.get(field).toString());
            } else {
                data.properties().forEach(e -> out.println(e.getKey() + "=" + (e.getValue().isTextual()
                        ? e.getValue().asText() : e.getValue().toString())));
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "put", description = "Write a new version: aegis kv put secret/app/db user=app password=-  (- reads the value from stdin).")
    static final class Put implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "PATH") String path;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE") List<String> pairs;
        @Option(names = "--cas", description = "check-and-set: the version this write expects to replace (0: must not exist)") Integer cas;

        @Override
        public Integer call() throws Exception {
            String[] mk = split(path);
            Map<String, Object> data = new LinkedHashMap<>();
            for (String p : pairs) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("expected KEY=VALUE, got an argument without '='");
                }
                String value = p.substring(eq + 1);
                if ("-".equals(value)) {
                    value = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
                }
                data.put(p.substring(0, eq), value);
            }
            Map<String, Object> body = VaultApiClient.map("data", data);
            if (cas != null) {
                body.put("options", VaultApiClient.map("cas", cas));
            }
            JsonNode r = api.expectOk(api.call("POST", mk[0] + "/data/" + mk[1], body, true)).body().path("data");
            spec.commandLine().getOut().println("version " + r.path("version").asLong() + " written at "
                    + r.path("created_time").asText());
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "delete", description = "Soft-delete the latest version (or --versions); --destroy removes them for good.")
    static final class Delete implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "PATH") String path;
        @Option(names = "--versions", split = ",", description = "versions to delete") List<Integer> versions;
        @Option(names = "--destroy", description = "destroy the versions (cannot be undone)") boolean destroy;

        @Override
        public Integer call() throws Exception {
            String[] mk = split(path);
            if (destroy && (versions == null || versions.isEmpty())) {
                throw new IllegalArgumentException("--destroy needs --versions");
            }
            if (versions == null || versions.isEmpty()) {
                api.expectOk(api.call("DELETE", mk[0] + "/data/" + mk[1], null, true));
            } else {
                api.expectOk(api.call(destroy ? "PUT" : "POST", mk[0] + (destroy ? "/destroy/" : "/delete/") + mk[1],
                        VaultApiClient.map("versions", versions), true));
            }
            spec.commandLine().getOut().println(destroy ? "Destroyed." : "Deleted.");
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List the keys under a path (folders end with /).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "PATH") String path;

        @Override
        public Integer call() throws Exception {
            String p = path.replaceAll("^/+", "").replaceAll("/+$", "");
            int slash = p.indexOf('/');
            String mount = slash < 0 ? p : p.substring(0, slash);
            String rest = slash < 0 ? "" : p.substring(slash + 1) + "/";
            VaultApiClient.Answer a = api.call("GET", mount + "/metadata/" + rest + "?list=true", null, true);
            if (a.status() == 404) {
                return ExitCode.OK; // nothing there
            }
            for (JsonNode k : api.expectOk(a).body().path("data").path("keys")) {
                spec.commandLine().getOut().println(k.asText());
            }
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }
}
