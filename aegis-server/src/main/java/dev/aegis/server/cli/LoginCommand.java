package dev.aegis.server.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aegis login ROLE}: logs in to the secrets manager of a running Aegis with an Aegis access token
 * ({@code auth/aegis/login}) and prints the Vault token alone, so that {@code export VAULT_TOKEN=$(aegis login app)}
 * works. The access token comes from {@code --jwt-file} or {@code $AEGIS_ACCESS_TOKEN}, never from an argument.
 */
@Command(name = "login", description = "Log in to the secrets manager with an Aegis access token; prints the Vault token.")
public final class LoginCommand implements Callable<Integer> {
    @Mixin
    VaultApiClient api;
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ROLE", description = "the role of the aegis auth method")
    String role;
    @Option(names = "--jwt-file", paramLabel = "FILE", description = "file holding the access token (default: $AEGIS_ACCESS_TOKEN)")
    Path jwtFile;
    @Option(names = "--path", defaultValue = "aegis", description = "where the aegis auth method is mounted (default: ${DEFAULT-VALUE})")
    String mount;

    @Override
    public Integer call() throws Exception {
        String jwt = jwtFile != null ? Files.readString(jwtFile, StandardCharsets.UTF_8).strip() : System.getenv("AEGIS_ACCESS_TOKEN");
        if (jwt == null || jwt.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no access token: set AEGIS_ACCESS_TOKEN or pass --jwt-file");
        }
        VaultApiClient.Answer a = api.expectOk(api.call("POST", "auth/" + mount + "/login",
                VaultApiClient.map("role", role, "jwt", jwt.strip()), false));
        spec.commandLine().getOut().println(a.body().path("auth").path("client_token").asText());
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
