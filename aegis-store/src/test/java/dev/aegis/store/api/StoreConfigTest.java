package dev.aegis.store.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.SecretBytes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration checks and the failures of {@link Store#open}: clear messages, never the password. */
class StoreConfigTest {

    private static final String PASSWORD = "Sup3r-s3cret-db-Passw0rd";

    @TempDir
    Path tmp;

    private static SecretBytes password() {
        return SecretBytes.copyOf(PASSWORD.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unreachableDatabaseFailsNamingTheServerButNeverThePassword() {
        StoreConfig config = StoreConfig.postgres("jdbc:postgresql://127.0.0.1:1/aegis", "aegis", password());
        StoreException e = assertThrows(StoreException.class, () -> Store.open(config));
        assertTrue(e.getMessage().startsWith("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/aegis"
                + " as user aegis: "), e.getMessage());
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(PASSWORD), "password in the exception chain");
    }

    @Test
    void passwordInTheUrlIsRefusedWithoutEchoingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoreConfig.postgres(
                "jdbc:postgresql://db/aegis?password=" + PASSWORD, "aegis", password()));
        assertFalse(e.getMessage().contains(PASSWORD));
    }

    @Test
    void toStringRedactsThePassword() {
        StoreConfig config = StoreConfig.postgres("jdbc:postgresql://db:5432/aegis", "aegis", password());
        assertFalse(config.toString().contains(PASSWORD));
        assertTrue(config.toString().contains("password=redacted"));
        assertFalse(config.embedded());
        assertEquals(Dialect.POSTGRESQL, config.dialect());
    }

    @Test
    void nonPostgresUrlsAndBadPoolSizesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> StoreConfig.postgres("jdbc:mysql://db/aegis", "aegis", password()));
        assertThrows(IllegalArgumentException.class,
                () -> StoreConfig.postgres("jdbc:postgresql://db/aegis", " ", password()));
        StoreConfig config = StoreConfig.embedded(tmp);
        assertThrows(IllegalArgumentException.class, () -> config.withMaxPoolSize(0));
        assertThrows(IllegalArgumentException.class, () -> config.withMaxPoolSize(10_000));
        assertEquals(3, config.withMaxPoolSize(3).maxPoolSize());
    }

    @Test
    void embeddedDatabaseUsesPostgresModeWithAutoServerUnderTheDataDirectory() {
        StoreConfig config = StoreConfig.embedded(tmp.resolve("data"));
        assertTrue(config.embedded());
        assertTrue(config.jdbcUrl().startsWith("jdbc:h2:file:" + tmp.resolve("data/aegis") + ";"));
        assertTrue(config.jdbcUrl().contains(";MODE=PostgreSQL;"));
        assertTrue(config.jdbcUrl().contains(";AUTO_SERVER=TRUE"));
    }

    @Test
    void embeddedDataDirectoryIsCreatedOwnerOnly() throws IOException {
        Path dir = tmp.resolve("new/data");
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            assertEquals(MigrationScriptsTest.newestVersion(), store.schemaVersion());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertTrue(Files.exists(dir.resolve("aegis.mv.db")));
    }

    @Test
    void unusableDataDirectoryFailsNamingIt() throws IOException {
        Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        StoreException e = assertThrows(StoreException.class,
                () -> Store.open(StoreConfig.embedded(notADirectory.resolve("data"))));
        assertTrue(e.getMessage().contains(notADirectory.toString()), e.getMessage());
    }
}
