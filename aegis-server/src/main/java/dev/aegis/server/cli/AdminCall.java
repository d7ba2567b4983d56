package dev.aegis.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * One admin API call of the CLI ({@code aegis clients|users|groups|workloads|jointoken|ca|bundle|pins ...}):
 * the shared connection options ({@link AdminClient}), quiet logging, one request, the JSON answer printed.
 * Exit code 0; 1 with one line on stderr when the server refuses or cannot be reached; 2 for a missing
 * credential or a bad URL. A subcommand only says which request it sends.
 */
abstract class AdminCall implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin
    AdminClient client = new AdminClient();

    @Override
    public final Integer call() throws IOException {
        LogSetup.quiet();
        return send();
    }

    /** Sends this command's request through {@link #get}, {@link #post} or {@link #delete}. */
    abstract int send() throws IOException;

    /** An admin {@code GET}. */
    final int get(String path) {
        return client.call(spec, "GET", path, null, true);
    }

    /** A {@code GET} that needs no credential. */
    final int getPublic(String path) {
        return client.call(spec, "GET", path, null, false);
    }

    /** An admin {@code POST} of a JSON body. */
    final int post(String path, JsonNode body) {
        return client.call(spec, "POST", path, body, true);
    }

    /** An admin {@code DELETE}; prints {@code done} instead of the (empty) answer. */
    final int delete(String path, String done) {
        return client.call(spec, "DELETE", path, null, true, answer -> spec.commandLine().getOut().println(done));
    }
}
