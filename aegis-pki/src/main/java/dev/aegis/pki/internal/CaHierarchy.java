package dev.aegis.pki.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.Envelope;
import dev.aegis.core.api.crypto.EnvelopeCipher;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.pki.api.CaGeneration;
import dev.aegis.pki.api.PkiSettings;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA generations and their life cycle: PENDING (published in the bundle, not issuing) → ACTIVE (issuing)
 * → RETIRED (still in the bundle until every SVID it signed has expired) → removed. A new generation is created
 * {@code caPublishAhead} before it must issue, so every SDK has it in its bundle before the first SVID it
 * signs; that happens on schedule ({@code caRotationPeriod}, or earlier when the intermediate nears its end) and
 * on {@link #rotateNow}.
 *
 * <p>Every change runs in one transaction holding the lock of the {@code bundle} counter row, so cluster nodes
 * never rotate twice; each change bumps {@code spiffe_sequence}. The intermediate's private key is stored only
 * as an envelope under the master keys of {@link KeyMaterialStore}; the root key is never stored.
 *
 * <p>Thread-safe: the state is an immutable snapshot behind an atomic reference, reloaded after every change
 * and on every {@link #tick}.
 */
public final class CaHierarchy {

    private static final Logger LOG = LoggerFactory.getLogger(CaHierarchy.class);
    static final String BUNDLE_COUNTER = "bundle";

    /** The issuing generation with its opened key. */
    public record Active(String id, X509Certificate intermediate, PrivateKey key) {
    }

    /** Everything readers need, immutable. */
    public record State(List<CaGeneration> generations, Optional<Active> active, long bundleSequence) {
        /** @return root certificates of every generation in the bundle */
        public List<X509Certificate> authorities() {
            List<X509Certificate> out = new ArrayList<>();
            for (CaGeneration g : generations) {
                out.add(g.root());
            }
            return out;
        }
    }

    private final Store store;
    private final KeyMaterialStore keys;
    private final PkiSettings settings;
    private final Clock clock;
    private final Audit audit;
    private final AtomicReference<State> state = new AtomicReference<>(new State(List.of(), Optional.empty(), 0));

    public CaHierarchy(Store store, KeyMaterialStore keys, PkiSettings settings, Clock clock, Audit audit) {
        this.store = store;
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
        this.audit = audit;
    }

    /** @return the current snapshot */
    public State state() {
        return state.get();
    }

    /**
     * Applies due transitions (first generation, scheduled rotation, activation, retirement, removal) and
     * reloads the snapshot. Called at start and periodically.
     */
    public State tick() {
        keys.masterKeys(); // outside the transaction: creating the first master key uses its own connection
        List<String> changes = store.inTransaction(this::advance);
        auditChanges(changes, "aegis");
        return reload();
    }

    /**
     * Starts a rotation now: a PENDING generation that activates after {@code caPublishAhead}. If one is already
     * pending, nothing new is created.
     *
     * @param actor the administrator
     * @return the snapshot after the change
     */
    public State rotateNow(String actor) throws AuditUnavailableException {
        keys.masterKeys();
        List<String> changes = store.inTransaction(c -> {
            Sql.lockCounter(c, BUNDLE_COUNTER);
            List<CaRows.Row> rows = CaRows.load(c);
            for (CaRows.Row r : rows) {
                if (r.state() == CaGeneration.State.PENDING) {
                    return List.<String>of();
                }
            }
            Instant now = clock.instant();
            String id = create(c, rows, CaGeneration.State.PENDING, now, now.plus(settings.caPublishAhead()));
            Sql.bump(c, BUNDLE_COUNTER);
            return List.of("pki.ca.create:" + id);
        });
        for (String change : changes) {
            audit.record("pki.ca.rotate", actor, change.substring(change.indexOf(':') + 1), AuditDecision.ALLOW,
                    "CA rotation requested; the new generation is published before it issues");
        }
        return reload();
    }

    private List<String> advance(Connection c) throws SQLException {
        Sql.lockCounter(c, BUNDLE_COUNTER);
        List<CaRows.Row> rows = CaRows.load(c);
        Instant now = clock.instant();
        List<String> changes = new ArrayList<>();
        CaRows.Row active = null;
        CaRows.Row pending = null;
        for (CaRows.Row r : rows) {
            if (r.state() == CaGeneration.State.ACTIVE) {
                active = r;
            } else if (r.state() == CaGeneration.State.PENDING) {
                pending = r;
            } else if (r.trustedUntil() != null && !now.isBefore(r.trustedUntil())) {
                CaRows.delete(c, r.id());
                changes.add("pki.ca.remove:" + r.id());
            }
        }
        if (active == null && pending == null) {
            changes.add("pki.ca.create:" + create(c, rows, CaGeneration.State.ACTIVE, now, now));
        } else if (pending != null && !now.isBefore(pending.activatesAt())) {
            CaRows.activate(c, pending.id());
            changes.add("pki.ca.activate:" + pending.id());
            if (active != null) {
                CaRows.retire(c, active.id(), now, now.plus(settings.maxSvidTtl()).plusSeconds(CertificateMint.BACKDATE_SECONDS));
                changes.add("pki.ca.retire:" + active.id());
            }
        } else if (pending == null && rotationDue(active, now)) {
            changes.add("pki.ca.create:" + create(c, rows, CaGeneration.State.PENDING, now, now.plus(settings.caPublishAhead())));
        }
        if (!changes.isEmpty()) {
            Sql.bump(c, BUNDLE_COUNTER);
        }
        return changes;
    }

    private boolean rotationDue(CaRows.Row active, Instant now) {
        Instant scheduled = active.activatesAt().plus(settings.caRotationPeriod());
        // Also rotate early enough that the successor is issuing before the intermediate could cap SVID lifetimes.
        Instant endOfLife = active.notAfter().minus(settings.caPublishAhead()).minus(settings.maxSvidTtl());
        return !now.isBefore(scheduled) || !now.isBefore(endOfLife);
    }

    private String create(Connection c, List<CaRows.Row> rows, CaGeneration.State st, Instant now, Instant activatesAt)
            throws SQLException {
        long number = rows.isEmpty() ? 1 : rows.getLast().number() + 1;
        Instant notAfter = activatesAt.plus(settings.caRotationPeriod()).plus(settings.caPublishAhead())
                .plus(settings.maxSvidTtl()).plus(settings.maxSvidTtl());
        CertificateMint.Generation g = CertificateMint.newGeneration(settings.trustDomain(), number, now, notAfter);
        String id = "ca-" + number + "-" + SecureIds.newId().substring(0, 8);
        byte[] sealed = new EnvelopeCipher(keys.masterKeys()).seal(g.intermediateKey().getEncoded(),
                aad(id, number, g.root(), g.intermediate())).encode();
        CaRows.insert(c, new CaRows.Row(id, number, st, g.root(), g.intermediate(), sealed, now, activatesAt, null, null,
                g.intermediate().getNotAfter().toInstant()));
        return id;
    }

    /**
     * The associated data of a generation's sealed key binds the id, the number and both certificates: a root
     * written into the table without the master keys (to get it into the trust bundle) has no envelope that
     * opens, and is ignored.
     */
    private static byte[] aad(String id, long number, X509Certificate root, X509Certificate intermediate) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            String r = java.util.HexFormat.of().formatHex(sha.digest(root.getEncoded()));
            String i = java.util.HexFormat.of().formatHex(sha.digest(intermediate.getEncoded()));
            return ("pki-ca:" + id + ":" + number + ":" + r + ":" + i).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot bind the CA certificates", e);
        }
    }

    private State reload() {
        List<CaRows.Row> rows = store.inTransaction(CaRows::load);
        List<CaGeneration> gens = new ArrayList<>();
        Active active = null;
        State old = state.get();
        for (CaRows.Row r : rows) {
            PrivateKey key = old.active().isPresent() && old.active().get().id().equals(r.id()) ? old.active().get().key() : open(r);
            if (key == null) {
                continue; // not sealed under our master keys: never trusted, never used
            }
            gens.add(new CaGeneration(r.id(), r.number(), r.state(), r.root(), r.intermediate(), r.activatesAt(),
                    Optional.ofNullable(r.trustedUntil())));
            if (r.state() == CaGeneration.State.ACTIVE) {
                active = new Active(r.id(), r.intermediate(), key);
            }
        }
        long sequence = store.inTransaction(c -> Sql.counter(c, BUNDLE_COUNTER));
        State next = new State(List.copyOf(gens), Optional.ofNullable(active), sequence);
        state.set(next);
        return next;
    }

    /** @return the generation's private key, or null (logged) when its envelope does not open under our keys */
    private PrivateKey open(CaRows.Row r) {
        try {
            byte[] pkcs8 = new EnvelopeCipher(keys.masterKeys()).open(Envelope.decode(r.sealedKey()),
                    aad(r.id(), r.number(), r.root(), r.intermediate()));
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (DecryptionFailedException | GeneralSecurityException | RuntimeException e) {
            LOG.atError().setMessage("CA generation ignored: its sealed key does not open (tampered row or foreign master key)")
                    .addKeyValue("generation", r.id()).addKeyValue("error", e.toString()).log();
            return null;
        }
    }


    private void auditChanges(List<String> changes, String actor) {
        for (String change : changes) {
            String action = change.substring(0, change.indexOf(':'));
            String id = change.substring(change.indexOf(':') + 1);
            LOG.atInfo().setMessage("CA generation changed").addKeyValue("action", action).addKeyValue("generation", id).log();
            try {
                audit.record(action, actor, id, AuditDecision.INFO, "CA generation life cycle");
            } catch (AuditUnavailableException e) {
                LOG.atError().setMessage("CA change could not be audited").addKeyValue("generation", id).log();
            }
        }
    }
}
