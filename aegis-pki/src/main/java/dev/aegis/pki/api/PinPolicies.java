package dev.aegis.pki.api;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.pki.internal.Audit;
import dev.aegis.pki.internal.PinRows;
import dev.aegis.pki.internal.SigningRings;
import dev.aegis.sdk.api.mtls.PinPolicy;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.store.api.KeyMaterialStore;
import dev.aegis.store.api.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Signed pin policies ({@link PinPolicy}) per scope, and the two-person emergency unpin. A pin policy lists SPKI
 * SHA-256 pins and at least one backup pin, carries a version (each publication of a scope increments it) and
 * an expiry (at most 90 days), and is signed as a JWS ({@code typ} {@value PinPolicy#TYPE}) by the
 * {@value #RING} key ring. A rollout publishes the old and the new CA key's pins together before the switch.
 *
 * <p>Emergency unpin: one administrator requests it (scope, duration ≤ 24 h, reason), a <em>different</em>
 * administrator approves it within an hour (the database refuses the same name twice); only then is an unpin
 * policy signed, which suspends pinning for the scope until it expires by itself. Every step is audited.
 *
 * <p>Thread-safe.
 */
public final class PinPolicies {

    /** Ring name of the pin policy signing keys. */
    public static final String RING = "pki-pins";
    /** Longest pin policy lifetime. */
    public static final Duration MAX_POLICY_LIFETIME = Duration.ofDays(90);
    /** Longest emergency unpin. */
    public static final Duration MAX_UNPIN = Duration.ofHours(24);
    /** How long an unpin request waits for its second administrator. */
    public static final Duration APPROVAL_WINDOW = Duration.ofHours(1);

    private final Store store;
    private final Audit audit;
    private final Clock clock;
    private final SigningRings ring;
    private final JwtSigner signer;

    public PinPolicies(Store store, KeyMaterialStore keys, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = new Audit(audit);
        this.clock = clock;
        this.ring = new SigningRings(keys, RING, MAX_POLICY_LIFETIME, clock);
        this.signer = new JwtSigner(ring::ring);
        ring.advance();
    }

    /** Applies due key rotation. */
    public void tick() {
        ring.advance();
    }

    /**
     * Publishes the next version of the scope's pin policy.
     *
     * @param scope      a trust domain ID ({@code spiffe://td}) or a workload's SPIFFE ID
     * @param pins       base64 SHA-256 SPKI pins (≥ 1)
     * @param backupPins base64 SHA-256 SPKI pins not among {@code pins} (≥ 1)
     * @param lifetime   how long it is in force (≤ 90 d)
     * @return the signed policy
     * @throws IllegalArgumentException when a rule of {@link PinPolicy} is broken
     */
    public PinPolicy publish(SpiffeId scope, Set<String> pins, Set<String> backupPins, Duration lifetime, String actor)
            throws AuditUnavailableException {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_POLICY_LIFETIME) > 0) {
            throw new IllegalArgumentException("a pin policy lives between 1s and 90d");
        }
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        new PinPolicy(scope, 1, pins, backupPins, expires, false); // validates before anything is written
        PinPolicy published = store.inTransaction(c -> {
            long version = PinRows.lockVersion(c, scope.toString()) + 1;
            PinPolicy policy = new PinPolicy(scope, version, pins, backupPins, expires, false);
            PinRows.upsert(c, scope.toString(), version, sign(policy, now), expires, now, actor);
            return policy;
        });
        audit.record("pki.pins.publish", actor, scope.toString(), AuditDecision.ALLOW, "pin policy published",
                "version", Long.toString(published.version()), "pins", String.join(",", pins),
                "backupPins", String.join(",", backupPins), "expiresAt", expires.toString());
        return published;
    }

    /**
     * First half of an emergency unpin.
     *
     * @return the request id the second administrator approves
     */
    public String requestUnpin(SpiffeId scope, Duration duration, String reason, String actor) throws AuditUnavailableException {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_UNPIN) > 0) {
            throw new IllegalArgumentException("an emergency unpin lasts between 1s and 24h");
        }
        if (reason == null || reason.isBlank() || reason.length() > 1000) {
            throw new IllegalArgumentException("an emergency unpin needs a reason (at most 1000 characters)");
        }
        Instant now = clock.instant();
        String id = SecureIds.newId();
        audit.record("pki.pins.unpin.request", actor, scope.toString(), AuditDecision.INFO, reason,
                "requestId", id, "duration", duration.toString());
        store.inTransaction(c -> {
            PinRows.insertRequest(c, new PinRows.UnpinRequest(id, scope.toString(), duration, reason, actor,
                    now.plus(APPROVAL_WINDOW), null), now);
            return null;
        });
        return id;
    }

    /** Outcome of an approval. */
    public sealed interface Approval {
        /** @param policy the signed unpin policy now in force */
        record Approved(PinPolicy policy) implements Approval {
        }

        /** @param reason why not */
        record Denied(String reason) implements Approval {
        }
    }

    /** Second half: a different administrator approves; the unpin policy is signed and in force at once. */
    public Approval approveUnpin(String requestId, String actor) throws AuditUnavailableException {
        Instant now = clock.instant();
        Object outcome = store.inTransaction(c -> {
            PinRows.UnpinRequest r = PinRows.lockRequest(c, requestId);
            if (r == null) {
                return "no such unpin request";
            }
            if (r.approvedBy() != null) {
                return "the request is already approved";
            }
            if (!now.isBefore(r.expiresAt())) {
                return "the request expired before a second administrator approved it";
            }
            if (r.requestedBy().equals(actor)) {
                return "an emergency unpin needs two distinct administrators";
            }
            SpiffeId scope = SpiffeId.parse(r.scope());
            long version = now.toEpochMilli();
            PinPolicy unpin = new PinPolicy(scope, version, Set.of(), Set.of(), now.plus(r.duration()), true);
            PinRows.approve(c, requestId, actor, now, sign(unpin, now), unpin.expiresAt());
            return unpin;
        });
        if (outcome instanceof PinPolicy p) {
            audit.record("pki.pins.unpin.approve", actor, p.scope().toString(), AuditDecision.ALLOW,
                    "emergency unpin in force", "requestId", requestId, "until", p.expiresAt().toString());
            return new Approval.Approved(p);
        }
        audit.record("pki.pins.unpin.approve", actor, requestId.length() > 64 ? requestId.substring(0, 64) : requestId,
                AuditDecision.DENY, (String) outcome);
        return new Approval.Denied((String) outcome);
    }

    /** @return the signed documents in force (pin policies and unpins), for SDKs */
    public List<String> documents() {
        return store.inTransaction(c -> PinRows.documents(c, clock.instant()));
    }

    /** @return the JWK Set that verifies the documents */
    public String keysJson() {
        return ring.ring().publicJwkSetJson();
    }

    /** @return a verifier of the documents (what an SDK builds from {@link #keysJson()}) */
    public JwtVerifier verifier() {
        return JwtVerifier.builder().keys(kid -> ring.ring().find(kid)).type(PinPolicy.TYPE).clock(clock).build();
    }

    private String sign(PinPolicy p, Instant now) {
        return signer.sign(JwtClaims.builder().subject(p.scope().toString()).issuedAt(now).expiresAt(p.expiresAt())
                .jwtId(SecureIds.newId()).claim("ver", p.version()).claim("pins", List.copyOf(p.pins()))
                .claim("backup_pins", List.copyOf(p.backupPins())).claim("unpin", p.disabled()).build(), PinPolicy.TYPE);
    }
}
