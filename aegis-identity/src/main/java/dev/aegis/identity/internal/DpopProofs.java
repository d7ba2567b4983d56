package dev.aegis.identity.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.AccessTokenValidationException;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPTokenRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DefaultDPoPSingleUseChecker;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPProofException;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.aegis.core.api.crypto.ConstantTime;
import dev.aegis.core.api.crypto.HmacFingerprint;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * DPoP proofs (RFC 9449) checked with the Nimbus OAuth SDK's verifiers: {@code typ: dpop+jwt}, an asymmetric
 * {@code alg}, the public {@code jwk} in the header, the signature, {@code htm}/{@code htu} of this request,
 * {@code iat} within the allowed skew, {@code jti} single use (replay cache, §11.1), {@code ath} for resource
 * requests (§4.3), and the key's thumbprint against the token's {@code cnf.jkt} (§6.1). Optional server nonces
 * (§8): an HMAC of the current five-minute window under the pepper, so every cluster node accepts every node's
 * nonce without shared state.
 *
 * <p>Thread-safe.
 */
public final class DpopProofs implements AutoCloseable {

    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
    private static final long MAX_SKEW_SECONDS = 60;
    private static final long NONCE_WINDOW_SECONDS = 300;

    private final DefaultDPoPSingleUseChecker replay = new DefaultDPoPSingleUseChecker(MAX_SKEW_SECONDS * 2, 100_000);
    private final HmacFingerprint pepper;
    private final Clock clock;
    private final boolean requireNonce;
    private volatile DPoPTokenRequestVerifier tokenVerifier;
    private final DPoPProtectedResourceRequestVerifier resourceVerifier;

    /** The outcome of checking a proof. */
    public sealed interface Result permits Bound, Refused {
    }

    /** @param jkt the JWK SHA-256 thumbprint of the proof key (RFC 7638), for {@code cnf.jkt} */
    public record Bound(String jkt) implements Result {
    }

    /** @param error {@code invalid_dpop_proof} or {@code use_dpop_nonce}; @param reason for logs only */
    public record Refused(String error, String reason) implements Result {
    }

    public DpopProofs(HmacFingerprint pepper, Clock clock, boolean requireNonce) {
        this.pepper = pepper;
        this.clock = clock;
        this.requireNonce = requireNonce;
        this.resourceVerifier = new DPoPProtectedResourceRequestVerifier(new java.util.HashSet<>(ALGORITHMS), MAX_SKEW_SECONDS, replay);
    }

    void tokenEndpoint(URI endpoint) {
        this.tokenVerifier = new DPoPTokenRequestVerifier(new java.util.HashSet<>(ALGORITHMS), endpoint, MAX_SKEW_SECONDS, replay);
    }

    /** @return the nonce to hand out now ({@code DPoP-Nonce}, RFC 9449 §8.1), or null when nonces are off */
    public String currentNonce() {
        return requireNonce ? nonceFor(clock.instant().getEpochSecond() / NONCE_WINDOW_SECONDS) : null;
    }

    /** Checks the proof of a token request (RFC 9449 §4.3, §5). */
    public Result tokenRequest(String proofHeader, String clientId) {
        SignedJWT proof = parse(proofHeader);
        Optional<Refused> unusable = unusable(proof);
        if (unusable.isPresent()) {
            return unusable.get();
        }
        Nonce nonce = nonceOf(proof);
        try {
            JWKThumbprintConfirmation cnf = tokenVerifier.verify(new DPoPIssuer(clientId), proof, nonce);
            return new Bound(cnf.getValue().toString());
        } catch (InvalidDPoPProofException | JOSEException e) {
            return new Refused("invalid_dpop_proof", e.getMessage());
        }
    }

    /** Checks the proof of a protected-resource request carrying a DPoP-bound token (RFC 9449 §7). */
    public Result resourceRequest(String method, URI uri, String proofHeader, String accessToken, String jkt, String subject) {
        SignedJWT proof = parse(proofHeader);
        Optional<Refused> unusable = unusable(proof);
        if (unusable.isPresent()) {
            return unusable.get();
        }
        Nonce nonce = nonceOf(proof);
        try {
            resourceVerifier.verify(method, uri, new DPoPIssuer(subject), proof, new DPoPAccessToken(accessToken),
                    new JWKThumbprintConfirmation(new com.nimbusds.jose.util.Base64URL(jkt)), nonce);
            return new Bound(jkt);
        } catch (InvalidDPoPProofException | AccessTokenValidationException | JOSEException e) {
            return new Refused("invalid_token", e.getMessage());
        }
    }

    /** What both kinds of proof must pass first: one signed JWT, and a current nonce where one is required. */
    private Optional<Refused> unusable(SignedJWT proof) {
        if (proof == null) {
            return Optional.of(new Refused("invalid_dpop_proof", "DPoP header is not one signed JWT"));
        }
        Nonce nonce = nonceOf(proof);
        if (requireNonce && (nonce == null || !nonceValid(nonce.getValue()))) {
            return Optional.of(new Refused("use_dpop_nonce", "nonce missing or stale (RFC 9449 §8)"));
        }
        return Optional.empty();
    }

    private static SignedJWT parse(String header) {
        if (header == null || header.length() > 8192 || header.indexOf(',') >= 0) {
            return null;
        }
        try {
            return SignedJWT.parse(header);
        } catch (ParseException e) {
            return null;
        }
    }

    private static Nonce nonceOf(SignedJWT proof) {
        try {
            String n = proof.getJWTClaimsSet().getStringClaim("nonce");
            return n == null ? null : new Nonce(n);
        } catch (ParseException e) {
            return null;
        }
    }

    private boolean nonceValid(String nonce) {
        long window = clock.instant().getEpochSecond() / NONCE_WINDOW_SECONDS;
        return ConstantTime.equals(nonce, nonceFor(window)) || ConstantTime.equals(nonce, nonceFor(window - 1));
    }

    private String nonceFor(long window) {
        return pepper.of("dpop-nonce:" + window).substring(HmacFingerprint.PREFIX.length(), HmacFingerprint.PREFIX.length() + 22);
    }

    @Override
    public void close() {
        replay.shutdown();
    }
}
