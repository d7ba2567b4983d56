package dev.aegis.store.api;

import dev.aegis.store.testing.PostgresTestServer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The two databases every store test runs against, through the same test code. */
enum TestDatabase {
    H2 {
        @Override
        StoreConfig freshConfig(Path tempDir) {
            return PostgresTestServer.freshEmbedded(tempDir);
        }
    },
    POSTGRESQL {
        @Override
        StoreConfig freshConfig(Path tempDir) {
            return PostgresTestServer.freshDatabase();
        }
    };

    /** @return a configuration for a new, empty database */
    abstract StoreConfig freshConfig(Path tempDir);

    /** Runs the annotated test method once per database. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    @interface BothDatabases {
    }
}
