package dev.aegis.pki.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.pki.api.Issuance;
import dev.aegis.pki.api.IssuanceError;
import dev.aegis.pki.api.SvidAuthentication;
import dev.aegis.pki.api.Workload;
import dev.aegis.sdk.api.mtls.PeerCheck;
import dev.aegis.sdk.api.mtls.PeerVerifier;
import dev.aegis.sdk.api.mtls.X509SvidRules;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.store.api.Store;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * X509-SVID issuance of the workload CA: the first SVID for a join token, renewals for holders of a current
 * SVID, and SVIDs of the control plane's own components. Every issuance and refusal is audited, fail-closed.
 * Thread-safe.
 */
public final class SvidIssuer {
    private final Store store;
    private final Audit audit;
    private final CaHierarchy ca;
    private final PeerVerifier renewalVerifier;
    private final Clock clock;

    /** @param renewalVerifier accepts the current, unrevoked SVIDs of this trust domain */
    public SvidIssuer(Store store, Audit audit, CaHierarchy ca, PeerVerifier renewalVerifier, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.ca = ca;
        this.renewalVerifier = renewalVerifier;
        this.clock = clock;
    }

    /**
     * First issuance: the join token proves the workload; it is consumed only if the SVID is issued.
     *
     * @param token  the join token as presented
     * @param csr    base64 DER or PEM PKCS#10
     * @param source the client address, for the audit record
     */
    public Issuance issueWithJoinToken(String token, String csr, String source) throws AuditUnavailableException {
        CsrCheck.Result read = CsrCheck.read(csr);
        if (read instanceof CsrCheck.Bad bad) {
            return refuse("join", null, bad.error(), bad.detail(), source);
        }
        CsrCheck.Checked request = ((CsrCheck.Ok) read).csr();
        if (token == null || token.isEmpty() || token.length() > 256) {
            return refuse("join", null, IssuanceError.INVALID_JOIN_TOKEN, "the join token is invalid, used or expired", source);
        }
        String hash = audit.fingerprint(token);
        Instant now = clock.instant();
        Issuance outcome = store.inTransaction(c -> {
            Optional<SpiffeId> peek = WorkloadRows.peekToken(c, hash, now);
            if (peek.isEmpty()) {
                return new Issuance.Refused(IssuanceError.INVALID_JOIN_TOKEN, "the join token is invalid, used or expired");
            }
            Optional<Workload> w = WorkloadRows.find(c, peek.get());
            if (w.isEmpty() || w.get().revokedAt().isPresent()) {
                return new Issuance.Refused(IssuanceError.WORKLOAD_REVOKED, "the workload is revoked");
            }
            CsrCheck.Bad mismatch = CsrCheck.mismatch(request, peek.get(), w.get().registration().dnsNames());
            if (mismatch != null) {
                return new Issuance.Refused(mismatch.error(), mismatch.detail());
            }
            if (WorkloadRows.consumeToken(c, hash, now).isEmpty()) {
                return new Issuance.Refused(IssuanceError.INVALID_JOIN_TOKEN, "the join token is invalid, used or expired");
            }
            return mint(c, w.get(), request, now);
        });
        return audited("join", outcome, source, hash);
    }

    /**
     * Renewal: the caller presented {@code presented} over mTLS; it must be a current, unrevoked SVID of this
     * trust domain whose workload is still registered. The new SVID has the same SPIFFE ID.
     */
    public Issuance renew(X509Certificate[] presented, String csr, String source) throws AuditUnavailableException {
        SpiffeId id;
        switch (authenticate(presented)) {
            case SvidAuthentication.NotAuthenticated n -> {
                return refuse("renew", null, n.refusal().error(), n.refusal().detail(), source);
            }
            case SvidAuthentication.Authenticated a -> id = a.spiffeId();
        }
        CsrCheck.Result read = CsrCheck.read(csr);
        if (read instanceof CsrCheck.Bad bad) {
            return refuse("renew", id, bad.error(), bad.detail(), source);
        }
        CsrCheck.Checked request = ((CsrCheck.Ok) read).csr();
        String serial = presented[0].getSerialNumber().toString(16);
        Instant now = clock.instant();
        Issuance outcome = store.inTransaction(c -> {
            Optional<Workload> w = WorkloadRows.find(c, id);
            if (w.isEmpty() || w.get().revokedAt().isPresent()) {
                return new Issuance.Refused(IssuanceError.WORKLOAD_REVOKED, "the workload is revoked");
            }
            if (WorkloadRows.serialRevoked(c, serial)) {
                return new Issuance.Refused(IssuanceError.SVID_REVOKED, "the presented SVID is revoked");
            }
            CsrCheck.Bad mismatch = CsrCheck.mismatch(request, id, w.get().registration().dnsNames());
            if (mismatch != null) {
                return new Issuance.Refused(mismatch.error(), mismatch.detail());
            }
            return mint(c, w.get(), request, now);
        });
        return audited("renew", outcome, source, null);
    }

    /**
     * Authenticates a presented SVID chain (chain, validity, revocation) against this trust domain.
     *
     * @return the authenticated SPIFFE ID or the refusal
     */
    public SvidAuthentication authenticate(X509Certificate[] presented) {
        PeerCheck check = renewalVerifier.verify(presented);
        return switch (check) {
            case PeerCheck.Accepted a -> new SvidAuthentication.Authenticated(a.spiffeId());
            case PeerCheck.Refused r -> new SvidAuthentication.NotAuthenticated(new Issuance.Refused(r.reason() == PeerCheck.Reason.REVOKED
                    ? IssuanceError.SVID_REVOKED : IssuanceError.INVALID_SVID, "the presented SVID is not acceptable: " + r.reason()));
        };
    }

    private Issuance.Issued mint(Connection c, Workload w, CsrCheck.Checked request, Instant now) throws SQLException {
        CaHierarchy.Active active = ca.state().active().orElseThrow(() -> new IllegalStateException("no ACTIVE CA generation"));
        SpiffeId id = w.registration().spiffeId();
        Instant notAfter = now.plus(w.registration().ttl());
        Instant caEnd = active.intermediate().getNotAfter().toInstant();
        if (notAfter.isAfter(caEnd)) {
            notAfter = caEnd;
        }
        // DNS SANs: the registered names (a CSR may ask for a subset of them, checked before, but gets them all,
        // as a registration entry defines the SVID).
        X509Certificate leaf = CertificateMint.leaf(active.intermediate(), active.key(), request.publicKey(), id,
                w.registration().dnsNames(), now, notAfter);
        Optional<String> broken = X509SvidRules.leafViolation(leaf);
        if (broken.isPresent()) {
            throw new IllegalStateException("minted a certificate that breaks " + broken.get());
        }
        String serial = leaf.getSerialNumber().toString(16);
        WorkloadRows.insertSvid(c, serial, id, active.id(), now, leaf.getNotAfter().toInstant());
        return new Issuance.Issued(id, List.of(leaf, active.intermediate()), serial, leaf.getNotAfter().toInstant());
    }

    private Issuance audited(String how, Issuance result, String source, String tokenFingerprint) throws AuditUnavailableException {
        switch (result) {
            case Issuance.Issued i -> audit.record("pki.svid.issue", i.spiffeId().toString(), i.spiffeId().toString(),
                    AuditDecision.ALLOW, how, "serial", i.serial(), "expiresAt", i.expiresAt().toString(), "source", source,
                    "joinToken", tokenFingerprint);
            case Issuance.Refused r -> audit.record("pki.svid.issue", "anonymous", null, AuditDecision.DENY, r.error().code(),
                    "via", how, "source", source, "joinToken", tokenFingerprint);
        }
        return result;
    }

    private Issuance refuse(String how, SpiffeId who, IssuanceError error, String detail, String source) throws AuditUnavailableException {
        audit.record("pki.svid.issue", who == null ? "anonymous" : who.toString(), who == null ? null : who.toString(),
                AuditDecision.DENY, error.code(), "via", how, "source", source);
        return new Issuance.Refused(error, detail);
    }

    /**
     * Issues an SVID for a component of the control plane itself (its mTLS listener), bypassing registration.
     *
     * @param publicKey the component's key
     * @param id        e.g. the control plane's {@code spiffe://<domain>/aegis/control-plane}
     */
    public Issuance.Issued issueInternal(PublicKey publicKey, SpiffeId id, List<String> dnsNames, Duration ttl) {
        CaHierarchy.Active active = ca.state().active().orElseThrow(() -> new IllegalStateException("no ACTIVE CA generation"));
        Instant now = clock.instant();
        X509Certificate leaf = CertificateMint.leaf(active.intermediate(), active.key(), publicKey, id, dnsNames, now, now.plus(ttl));
        String serial = leaf.getSerialNumber().toString(16);
        store.inTransaction(c -> {
            WorkloadRows.insertSvid(c, serial, id, active.id(), now, leaf.getNotAfter().toInstant());
            return null;
        });
        return new Issuance.Issued(id, List.of(leaf, active.intermediate()), serial, leaf.getNotAfter().toInstant());
    }
}
