package dev.aegis.server.runtime;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.core.api.crypto.ConstantTime;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.store.api.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one-time bootstrap administrator credential: generated on the first start of a fresh installation,
 * shown once on the console, and stored only as a keyed HMAC fingerprint. It authenticates the admin API
 * until the identity provider creates real administrators (which then consumes it).
 *
 * <p>Thread-safe: it holds no mutable state; every check reads the database.
 */
public final class BootstrapCredential {
    /** A visible prefix, so a leaked credential is recognisable by secret scanners. */
    public static final String PREFIX = "aegis_bootstrap_";
    private static final String INSTALLATION_ROW = "installation";

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;

    public BootstrapCredential(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Creates the credential when the installation has never had one.
     *
     * @return the credential in clear text, exactly once per installation; empty on every later start
     */
    public Optional<String> issueIfFirstStart() {
        String credential = PREFIX + SecureIds.token(32);
        // A fixed primary key makes the insert itself the check: when several cluster nodes start at once,
        // exactly one row wins and only that node prints its credential.
        int inserted = store.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bootstrap_credentials (id, credential_hash, created_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT DO NOTHING")) {
                insert.setString(1, INSTALLATION_ROW);
                insert.setString(2, audit.fingerprint(credential));
                insert.setObject(3, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                return insert.executeUpdate();
            }
        });
        return inserted == 1 ? Optional.of(credential) : Optional.empty();
    }

    /** True when {@code presented} is an unconsumed bootstrap credential; compares fingerprints in constant time. */
    public boolean matches(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 256) {
            return false;
        }
        String fingerprint = audit.fingerprint(presented);
        List<String> stored = store.inTransaction(connection -> {
            List<String> hashes = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT credential_hash FROM bootstrap_credentials WHERE consumed_at IS NULL");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    hashes.add(rows.getString(1));
                }
            }
            return hashes;
        });
        boolean match = false;
        for (String hash : stored) {
            match |= ConstantTime.equals(hash, fingerprint);
        }
        return match;
    }
}
