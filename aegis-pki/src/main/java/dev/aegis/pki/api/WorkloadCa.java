package dev.aegis.pki.api;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.core.api.keys.VerificationKey;
import dev.aegis.pki.internal.Audit;
import dev.aegis.pki.internal.CaHierarchy;
import dev.aegis.pki.internal.SigningRings;
import dev.aegis.pki.internal.SvidIssuer;
import dev.aegis.pki.internal.WorkloadRows;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerVerifier;
import dev.aegis.sdk.api.mtls.RevocationList;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SPIFFE workload CA of one trust domain: registers workloads, mints one-time join tokens, issues
 * X509-SVIDs from CSRs (the private key never leaves the workload) and renews them for holders of a current
 * SVID, issues audience-bound JWT-SVIDs, revokes serials and workloads (announced on {@link PlatformEvents}),
 * serves the trust bundle and the revocation list, and rotates its CA ({@link CaHierarchy}).
 *
 * <p>Every issuance, refusal and admin action is audited, fail-closed: when the audit log cannot take the record
 * the method throws {@link AuditUnavailableException} and the caller must answer 503.
 *
 * <p>Thread-safe. Read paths ({@link #bundle()}, {@link #revocationList()}) serve immutable snapshots.
 */
public final class WorkloadCa {

    /** Ring name of the JWT-SVID signing keys. */
    public static final String JWT_SVID_RING = "pki-jwt-svid";

    private final PkiSettings settings;
    private final Store store;
    private final Audit audit;
    private final PlatformEvents events;
    private final Clock clock;
    private final CaHierarchy ca;
    private final SigningRings jwtKeys;
    private final JwtSigner jwtSigner;
    private final PeerVerifier renewalVerifier;
    private final SvidIssuer issuer;
    private final AtomicReference<RevocationList> revocations = new AtomicReference<>(RevocationList.empty());

    private WorkloadCa(PkiSettings settings, Store store, KeyMaterialStore keys, AuditLog audit, PlatformEvents events, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.audit = new Audit(audit);
        this.events = events;
        this.clock = clock;
        this.ca = new CaHierarchy(store, keys, settings, clock, this.audit);
        this.jwtKeys = new SigningRings(keys, JWT_SVID_RING, settings.jwtSvidTtl(), clock);
        this.jwtSigner = new JwtSigner(jwtKeys::ring);
        this.renewalVerifier = new PeerVerifier(PeerAuthorizer.denyAll().orTrustDomain(settings.trustDomain()), clock);
        this.issuer = new SvidIssuer(store, this.audit, ca, renewalVerifier, clock);
    }

    /**
     * Opens the CA: creates the first generation and JWT key on first start, loads the current state.
     *
     * @return the running CA; call {@link #tick()} periodically (the server does, every few seconds)
     */
    public static WorkloadCa start(PkiSettings settings, Store store, KeyMaterialStore keys, AuditLog audit,
                                   PlatformEvents events, Clock clock) {
        WorkloadCa ca = new WorkloadCa(settings, store, keys, audit, events, clock);
        ca.tick();
        return ca;
    }

    /** Applies due CA and key rotations and reloads bundle and revocations (cluster nodes converge here). */
    public void tick() {
        ca.tick();
        jwtKeys.advance();
        refreshTrust();
    }

    private void refreshTrust() {
        renewalVerifier.updateBundle(bundle());
        WorkloadRows.Revocations r = store.inTransaction(c -> WorkloadRows.revocations(c, clock.instant()));
        Set<SpiffeId> ids = new HashSet<>();
        for (String s : r.spiffeIds()) {
            ids.add(SpiffeId.parse(s));
        }
        RevocationList list = new RevocationList(r.version(), Set.copyOf(r.serials()), ids);
        revocations.set(list);
        renewalVerifier.updateRevocations(list);
    }

    /** @return the settings */
    public PkiSettings settings() {
        return settings;
    }

    // ---- administration -------------------------------------------------------------------------------

    /**
     * @return the stored workload, or empty if one with this SPIFFE ID exists already
     */
    public Optional<Workload> register(WorkloadRegistration registration, String actor) throws AuditUnavailableException {
        Instant now = clock.instant();
        boolean created = store.inTransaction(c -> WorkloadRows.insert(c, registration, now, actor));
        audit.record("pki.workload.register", actor, registration.spiffeId().toString(),
                created ? AuditDecision.ALLOW : AuditDecision.DENY, created ? "registered" : "already registered",
                "dnsNames", String.join(",", registration.dnsNames()), "ttl", registration.ttl().toString());
        return created ? Optional.of(new Workload(registration, now, actor, Optional.empty())) : Optional.empty();
    }

    /** @return the registered workloads, at most {@code limit}, by SPIFFE ID */
    public List<Workload> workloads(int limit) {
        return store.inTransaction(c -> WorkloadRows.list(c, limit));
    }

    /** @return the workload */
    public Optional<Workload> workload(SpiffeId id) {
        return store.inTransaction(c -> WorkloadRows.find(c, id));
    }

    /**
     * Revokes a workload: its renewals and join tokens are refused from now on, and every SDK refuses it as a
     * peer once the event or the revocation list reaches it.
     *
     * @return false if it is unknown or already revoked
     */
    public boolean revokeWorkload(SpiffeId id, String actor) throws AuditUnavailableException {
        boolean done = store.inTransaction(c -> {
            if (!WorkloadRows.revokeWorkload(c, id, clock.instant(), actor)) {
                return false;
            }
            events.publish(c, PlatformEvents.WORKLOAD_REVOKED, id.toString(),
                    Map.of("version", Long.toString(WorkloadRows.revocationsVersion(c))));
            return true;
        });
        if (done) {
            events.committed();
            refreshTrust();
        }
        audit.record("pki.workload.revoke", actor, id.toString(), done ? AuditDecision.ALLOW : AuditDecision.DENY,
                done ? "revoked" : "unknown or already revoked");
        return done;
    }

    /** @return false if the serial (lower-case hex) is unknown or already revoked */
    public boolean revokeSerial(String serial, String actor) throws AuditUnavailableException {
        String s = serial.strip().toLowerCase(java.util.Locale.ROOT);
        Optional<String> owner = s.length() > 64 ? Optional.empty() : store.inTransaction(c -> {
            Optional<String> o = WorkloadRows.revokeSerial(c, s, clock.instant(), actor);
            if (o.isPresent()) {
                events.publish(c, PlatformEvents.SVID_REVOKED, s, Map.of("spiffe_id", o.get(),
                        "version", Long.toString(WorkloadRows.revocationsVersion(c))));
            }
            return o;
        });
        if (owner.isPresent()) {
            events.committed();
            refreshTrust();
        }
        audit.record("pki.svid.revoke", actor, s, owner.isPresent() ? AuditDecision.ALLOW : AuditDecision.DENY,
                owner.isPresent() ? "revoked" : "unknown or already revoked", "spiffeId", owner.orElse(null));
        return owner.isPresent();
    }

    /**
     * Mints a one-time join token bound to a registered, unrevoked workload.
     *
     * @param ttl how long it is accepted (at most 24 h; {@code null} for the default)
     * @throws IllegalArgumentException if the workload is not registered or is revoked
     */
    public JoinToken createJoinToken(SpiffeId id, Duration ttl, String actor) throws AuditUnavailableException {
        Duration life = ttl == null ? settings.joinTokenTtl() : ttl;
        if (life.isNegative() || life.isZero() || life.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("a join token lives between 1s and 24h");
        }
        Optional<Workload> w = workload(id);
        if (w.isEmpty() || w.get().revokedAt().isPresent()) {
            throw new IllegalArgumentException("no registered, unrevoked workload has this SPIFFE ID");
        }
        String secret = "aegis_jt_" + SecureIds.token(32);
        String hash = audit.fingerprint(secret);
        Instant now = clock.instant();
        audit.record("pki.jointoken.create", actor, id.toString(), AuditDecision.ALLOW, "join token minted",
                "fingerprint", hash, "expiresAt", now.plus(life).toString());
        store.inTransaction(c -> {
            WorkloadRows.insertToken(c, hash, id, now, now.plus(life), actor);
            return null;
        });
        return new JoinToken(secret, id, now.plus(life));
    }

    // ---- issuance ---------------------------------------------------------------------------------------

    /**
     * First issuance: the join token proves the workload; it is consumed only if the SVID is issued.
     *
     * @param token  the join token as presented
     * @param csr    base64 DER or PEM PKCS#10
     * @param source the client address, for the audit record
     */
    public Issuance issueWithJoinToken(String token, String csr, String source) throws AuditUnavailableException {
        return issuer.issueWithJoinToken(token, csr, source);
    }

    /**
     * For callers without mTLS: consumes a join token and returns the workload it proves, so one JWT-SVID can
     * be issued to it.
     *
     * @return the workload's ID, or empty if the token is invalid, used, expired or its workload revoked
     */
    public Optional<SpiffeId> consumeJoinTokenForJwt(String token) {
        if (token == null || token.isEmpty() || token.length() > 256) {
            return Optional.empty();
        }
        String hash = audit.fingerprint(token);
        Instant now = clock.instant();
        return store.inTransaction(c -> {
            Optional<SpiffeId> id = WorkloadRows.consumeToken(c, hash, now);
            if (id.isEmpty()) {
                return id;
            }
            Optional<Workload> w = WorkloadRows.find(c, id.get());
            return w.isPresent() && w.get().revokedAt().isEmpty() ? id : Optional.<SpiffeId>empty();
        });
    }

    /**
     * Renewal: the caller presented {@code presented} over mTLS; it must be a current, unrevoked SVID of this
     * trust domain whose workload is still registered. The new SVID has the same SPIFFE ID.
     */
    public Issuance renew(X509Certificate[] presented, String csr, String source) throws AuditUnavailableException {
        return issuer.renew(presented, csr, source);
    }

    /**
     * Authenticates a presented SVID chain (chain, validity, revocation) against this trust domain.
     *
     * @return the authenticated SPIFFE ID or the refusal
     */
    public SvidAuthentication authenticate(X509Certificate[] presented) {
        return issuer.authenticate(presented);
    }

    /**
     * Issues a JWT-SVID (SPIFFE JWT-SVID spec §3): {@code sub} = the SPIFFE ID, {@code aud} required,
     * {@code exp} = now + jwtSvidTtl, signed ES256 by the {@value #JWT_SVID_RING} ring whose keys are in the bundle.
     *
     * @param id       an authenticated, registered, unrevoked workload
     * @param audience 1..8 audiences
     */
    public String issueJwtSvid(SpiffeId id, List<String> audience) throws AuditUnavailableException {
        if (audience.isEmpty() || audience.size() > 8) {
            throw new IllegalArgumentException("a JWT-SVID needs 1..8 audiences (JWT-SVID §3)");
        }
        Optional<Workload> w = workload(id);
        if (w.isEmpty() || w.get().revokedAt().isPresent()) {
            throw new IllegalArgumentException("the workload is revoked");
        }
        Instant now = clock.instant();
        String jti = SecureIds.newId();
        String token = jwtSigner.sign(JwtClaims.builder().subject(id.toString()).audience(audience).issuedAt(now)
                .expiresAt(now.plus(settings.jwtSvidTtl())).jwtId(jti).build(), "JWT");
        audit.record("pki.jwtsvid.issue", id.toString(), id.toString(), AuditDecision.ALLOW, "JWT-SVID issued",
                "jti", jti, "audience", String.join(",", audience));
        return token;
    }

    // ---- trust -------------------------------------------------------------------------------------------

    /** @return this trust domain's bundle: roots of every PENDING, ACTIVE and RETIRED generation, JWT keys */
    public TrustBundle bundle() {
        CaHierarchy.State s = ca.state();
        List<VerificationKey> jwt = new ArrayList<>();
        for (SigningKey k : jwtKeys.ring().keys()) {
            if (k.state() != dev.aegis.core.api.keys.KeyState.DESTROYED) {
                jwt.add(k.verificationKey());
            }
        }
        return new TrustBundle(settings.trustDomain(), s.authorities(), jwt, s.bundleSequence(), settings.bundleRefreshHint());
    }

    /** @return the current revocation list */
    public RevocationList revocationList() {
        return revocations.get();
    }

    /** @return the CA generations */
    public List<CaGeneration> generations() {
        return ca.state().generations();
    }

    /** Starts a CA rotation (see {@link CaHierarchy#rotateNow}). */
    public List<CaGeneration> rotateCa(String actor) throws AuditUnavailableException {
        return ca.rotateNow(actor).generations();
    }

    /**
     * Issues an SVID for a component of the control plane itself (its mTLS listener), bypassing registration.
     *
     * @param publicKey the component's key
     * @param path      e.g. {@code /aegis/control-plane}
     */
    public Issuance.Issued issueInternal(java.security.PublicKey publicKey, String path, List<String> dnsNames, Duration ttl) {
        return issuer.issueInternal(publicKey, settings.trustDomain().id(path), dnsNames, ttl);
    }
}
