package dev.aegis.server.cli;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aegis transit encrypt|decrypt}: encryption as a service with a named transit key. */
@Command(name = "transit", description = "Encrypt and decrypt with a transit key.",
        subcommands = {TransitCommand.Encrypt.class, TransitCommand.Decrypt.class})
public final class TransitCommand {

    @Command(name = "encrypt", description = "Encrypt text (argument, or stdin with -); prints vault:vN:... ciphertext.")
    static final class Encrypt implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--mount", defaultValue = "transit", description = "transit mount (default transit)") String mount;
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "PLAINTEXT", description = "text to encrypt; - reads stdin") String plaintext;

        @Override
        public Integer call() throws Exception {
            String text = "-".equals(plaintext) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : plaintext;
            String b64 = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            String ct = api.expectOk(api.call("POST", mount + "/encrypt/" + key, VaultApiClient.map("plaintext", b64), true))
                    .body().path("data").path("ciphertext").asText();
            spec.commandLine().getOut().println(ct);
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "decrypt", description = "Decrypt a vault:vN:... ciphertext; prints the text.")
    static final class Decrypt implements Callable<Integer> {
        @Mixin VaultApiClient api;
        @Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--mount", defaultValue = "transit", description = "transit mount (default transit)") String mount;
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "CIPHERTEXT") String ciphertext;

        @Override
        public Integer call() throws Exception {
            String b64 = api.expectOk(api.call("POST", mount + "/decrypt/" + key, VaultApiClient.map("ciphertext", ciphertext), true))
                    .body().path("data").path("plaintext").asText();
            spec.commandLine().getOut().println(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }
}
