package dev.aegis.store.api;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands Flyway the migration scripts of {@code db/migration} in this jar, read through this module's own class.
 *
 * <p>Why not Flyway's class path scanning: on the module path Flyway cannot read a resource in another named
 * module's (encapsulated) package, and scanning the whole class path would run any {@code db/migration/V*.sql}
 * a dependency happens to ship. An explicit list loads exactly our scripts, from a directory, a jar, a shaded
 * jar or a module alike. {@code MigrationScriptsTest} checks the list against the directory.
 */
final class MigrationScripts implements ResourceProvider {

    static final String LOCATION = "db/migration/";
    /** Every migration, in order. A new script must be added here (the test fails otherwise). */
    static final List<String> SCRIPTS = List.of("V1__foundation.sql", "V2__platform_events.sql", "V3__signing_key_row_mac.sql",
            "V10__identity.sql", "V20__pki.sql", "V30__authz.sql", "V40__secrets.sql", "V41__secrets_aegis_login.sql",
            "V50__gateway_api_keys.sql");

    @Override
    public LoadableResource getResource(String name) {
        for (String script : SCRIPTS) {
            if (script.equals(name) || (LOCATION + script).equals(name)) {
                return new Script(script);
            }
        }
        return null; // Flyway's contract for "no such resource"
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> found = new ArrayList<>();
        for (String script : SCRIPTS) {
            if (script.startsWith(prefix) && endsWithAny(script, suffixes)) {
                found.add(new Script(script));
            }
        }
        return found;
    }

    private static boolean endsWithAny(String name, String[] suffixes) {
        for (String suffix : suffixes) {
            if (name.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** One script; the relative path equals the file name, as with Flyway's own scanner, so checksums match. */
    private static final class Script extends LoadableResource {

        private final String fileName;

        Script(String fileName) {
            this.fileName = fileName;
        }

        @Override
        public Reader read() {
            InputStream in = MigrationScripts.class.getResourceAsStream("/" + LOCATION + fileName);
            if (in == null) {
                throw new StoreException("migration script " + LOCATION + fileName + " is missing from the store jar");
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return LOCATION + fileName;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return LOCATION + fileName;
        }

        @Override
        public String getFilename() {
            return fileName;
        }

        @Override
        public String getRelativePath() {
            return fileName;
        }
    }
}
