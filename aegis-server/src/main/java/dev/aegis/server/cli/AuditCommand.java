package dev.aegis.server.cli;

import dev.aegis.audit.api.AuditVerifier;
import dev.aegis.audit.api.CheckpointCoverage;
import dev.aegis.audit.api.VerificationReport;
import dev.aegis.core.api.crypto.CryptoProviders;
import dev.aegis.server.AegisServer;
import dev.aegis.server.config.AegisConfig;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.RootKeyFile;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aegis audit …}: commands over the audit trail. */
@Command(name = "audit", description = "Inspect the audit trail.", subcommands = AuditCommand.Verify.class)
public final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: aegis audit verify");
    }

    /**
     * {@code aegis audit verify}: walks the hash chain and the signed checkpoints of the configured database
     * (it works beside a running embedded server) or of a JSON-lines file, and names the first modified,
     * deleted, inserted or reordered record. Exit 0 when intact, 1 when broken.
     */
    @Command(name = "verify", description = "Verify the audit hash chain and signed checkpoints; name the first bad record.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Option(names = "--jsonl", paramLabel = "FILE", description = "verify a JSON-lines audit file instead of the database")
        Path jsonLines;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            LogSetup.quiet();
            PrintWriter out = spec.commandLine().getOut();
            VerificationReport report;
            if (jsonLines != null) {
                if (!Files.isRegularFile(jsonLines)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--jsonl: no such file: " + jsonLines);
                }
                report = new AuditVerifier().verifyJsonLines(jsonLines);
            } else {
                report = verifyDatabase(options.load(Map.of()));
            }
            return switch (report) {
                case VerificationReport.Intact intact -> {
                    out.println("audit chain intact: " + intact.records() + " records, " + intact.checkpoints() + " checkpoints");
                    yield ExitCode.OK;
                }
                case VerificationReport.Broken broken -> {
                    out.println("audit chain BROKEN at record " + broken.sequence() + ": " + broken.kind() + " (" + broken.detail() + ")");
                    yield ExitCode.FAILURE;
                }
            };
        }

        private VerificationReport verifyDatabase(AegisConfig config) {
            if (config.storage().embedded() && !Files.isDirectory(config.dataDir())) {
                throw new IllegalStateException("no data directory at " + config.dataDir().toAbsolutePath());
            }
            if (!Files.isRegularFile(config.rootKeyFile())) {
                // Verifying must never create key material: a new root key would seal nothing the server can open.
                throw new IllegalStateException("no root key file at " + config.rootKeyFile().toAbsolutePath());
            }
            CryptoProviders.installPreferred();
            StoreConfig storeConfig = config.storage().embedded()
                    ? StoreConfig.embedded(config.dataDir())
                    : StoreConfig.postgres(config.storage().postgresUrl(), config.storage().postgresUser(),
                            config.storage().postgresPassword());
            System.setProperty("h2.bindAddress", "127.0.0.1");
            try (Store store = Store.open(storeConfig.withMaxPoolSize(2))) {
                KeyMaterialStore keys = new KeyMaterialStore(store, RootKeyFile.openOrCreate(config.rootKeyFile()), Clock.systemUTC());
                // The coverage rule closes the gap of a chain rewritten after every checkpoint was deleted.
                return new AuditVerifier().verify(store, AuditVerifier.checkpointKeys(keys.loadRing(KeyMaterialStore.AUDIT_RING)),
                        CheckpointCoverage.expectedFor(AegisServer.auditSettings(config), Clock.systemUTC()));
            }
        }
    }
}
