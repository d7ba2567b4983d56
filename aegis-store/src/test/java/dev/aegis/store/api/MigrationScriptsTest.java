package dev.aegis.store.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationScriptsTest {

    @TempDir
    Path tmp;

    @Test
    void scriptListMatchesTheMigrationDirectory() throws Exception {
        Path dir = classesDirectory().resolve(MigrationScripts.LOCATION);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(MigrationScripts.SCRIPTS.stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /**
     * The shape of a real deployment: the store as a jar on a plain class path (no directories), in its own
     * class loader. A second jar on the class path ships its own {@code db/migration/V2__*.sql}; it must not run.
     */
    @Test
    void migrationsRunFromAPlainClassPathJarAndForeignScriptsAreIgnored() throws Exception {
        Path storeJar = jar(tmp.resolve("aegis-store.jar"), classesDirectory());
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign.resolve("db/migration"));
        Files.writeString(foreign.resolve("db/migration/V999__injected.sql"), "CREATE TABLE injected (x INTEGER);");
        Path foreignJar = jar(tmp.resolve("foreign.jar"), foreign);

        List<URL> urls = new ArrayList<>(List.of(foreignJar.toUri().toURL(), storeJar.toUri().toURL()));
        for (String entry : testClassPath()) {
            Path p = Path.of(entry).toAbsolutePath();
            // The dependencies, all jars; not target/classes or test-classes. Logback stays out: without our
            // logback-test.xml it would log at DEBUG; SLF4J falls back to its no-op logger.
            if (entry.endsWith(".jar") && !p.startsWith(classesDirectory().getParent())
                    && !p.getFileName().toString().startsWith("logback-")) {
                urls.add(p.toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> configType = loader.loadClass(StoreConfig.class.getName());
            Class<?> storeType = loader.loadClass(Store.class.getName());
            assertTrue(storeType.getProtectionDomain().getCodeSource().getLocation().toString().endsWith("aegis-store.jar"));
            Object config = configType.getMethod("embedded", Path.class).invoke(null, tmp.resolve("data"));
            try (AutoCloseable store = (AutoCloseable) storeType.getMethod("open", configType).invoke(null, config)) {
                assertEquals(newestVersion(), storeType.getMethod("schemaVersion").invoke(store));
            }
        }
        try (Store store = Store.open(StoreConfig.embedded(tmp.resolve("data")))) {
            assertEquals(newestVersion(), store.schemaVersion());
            assertEquals(0L, StoreTest.count(store,
                    "SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = 'injected'"));
        }
    }

    /** The version of the last script in {@code SCRIPTS}: "V12__x.sql" is version "12". */
    static String newestVersion() {
        String last = MigrationScripts.SCRIPTS.get(MigrationScripts.SCRIPTS.size() - 1);
        return last.substring(1, last.indexOf("__"));
    }

    private static Path classesDirectory() throws Exception {
        return Path.of(Store.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static List<String> testClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(cp.split(File.pathSeparator));
    }

    private static Path jar(Path jar, Path root) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out);
             Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jos.putNextEntry(new JarEntry(root.relativize(f).toString().replace(File.separatorChar, '/')));
                jos.write(Files.readAllBytes(f));
                jos.closeEntry();
            }
        }
        assertFalse(new String(Files.readAllBytes(jar), StandardCharsets.ISO_8859_1).isEmpty());
        return jar;
    }
}
