package dev.aegis.gateway.internal;

import dev.aegis.gateway.api.ApiKeyInfo;
import dev.aegis.gateway.api.ApiKeyRegistry;
import dev.aegis.sdk.api.token.DpopProofVerifier;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Authenticates one request for one route from the credentials it carries, in this order: a bearer or DPoP
 * token ({@code Authorization}), an API key ({@code X-API-Key}, or {@code Authorization: ApiKey …}), the TLS
 * client certificate. Only the methods the route lists are tried; sender-constrained tokens are checked on
 * every request (RFC 9449 DPoP proof, RFC 8705 certificate thumbprint), even when their claims came from the
 * cache. Then the route's required scopes and roles. Thread-safe.
 */
final class Authenticator {

    static final String BEARER_CHALLENGE = "Bearer realm=\"aegis-gateway\"";
    static final String INVALID_TOKEN = "Bearer realm=\"aegis-gateway\", error=\"invalid_token\"";

    private final JwtAuthenticator jwt;
    private final ApiKeyRegistry apiKeys;
    private final DpopProofVerifier dpop;

    Authenticator(JwtAuthenticator jwt, ApiKeyRegistry apiKeys, DpopProofVerifier dpop) {
        this.jwt = jwt;
        this.apiKeys = apiKeys;
        this.dpop = dpop;
    }

    /** What the request presented (parsed once by the handler). */
    record Presented(String authorization, String apiKeyHeader, String dpopProof, X509Certificate certificate,
                     String method, String htu) {
    }

    /** @return an {@link Identity} or a {@link Refusal} */
    Object authenticate(CompiledRoute route, Presented p, long nowMillis) {
        if (route.anonymous) {
            return Identity.ANONYMOUS;
        }
        String auth = p.authorization();
        if (auth != null) {
            if (startsWithIgnoreCase(auth, "Bearer ") || startsWithIgnoreCase(auth, "DPoP ")) {
                if (!route.jwt) {
                    return unauthorized("token_not_accepted", "route does not accept tokens");
                }
                boolean dpopScheme = startsWithIgnoreCase(auth, "DPoP ");
                return token(route, auth.substring(dpopScheme ? 5 : 7).strip(), dpopScheme, p, nowMillis);
            }
            if (startsWithIgnoreCase(auth, "ApiKey ")) {
                return apiKey(route, auth.substring(7).strip(), p.method());
            }
            return unauthorized("unsupported_scheme", "unsupported authorization scheme");
        }
        if (p.apiKeyHeader() != null) {
            return apiKey(route, p.apiKeyHeader(), p.method());
        }
        if (p.certificate() != null && route.mtls) {
            return scopes(route, new Identity("mtls", null, null, p.certificate().getSubjectX500Principal().getName()));
        }
        return new Refusal(401, "no_credentials", "Authentication is required.", "no credentials presented",
                BEARER_CHALLENGE, null);
    }

    private Object token(CompiledRoute route, String token, boolean dpopScheme, Presented p, long nowMillis) {
        JwtAuthenticator.Result r = jwt.authenticate(token, route.config.auth().issuers());
        return switch (r) {
            case JwtAuthenticator.Result.Refused refused -> unauthorized("invalid_token", refused.reason());
            case JwtAuthenticator.Result.Verified v -> senderConstraint(route, v.token(), token, dpopScheme, p, nowMillis);
        };
    }

    private Object senderConstraint(CompiledRoute route, VerifiedToken t, String token, boolean dpopScheme, Presented p,
                                    long nowMillis) {
        if (t.jkt() != null) {
            if (!dpopScheme) {
                return unauthorized("invalid_token", "DPoP-bound token sent with the Bearer scheme (RFC 9449 §7.1)");
            }
            String failure = dpopFailure(p, token, t.jkt());
            if (failure != null) {
                return new Refusal(401, "invalid_dpop_proof", "Authentication failed.", failure,
                        "DPoP realm=\"aegis-gateway\", error=\"invalid_dpop_proof\"", null);
            }
        } else if (dpopScheme) {
            return unauthorized("invalid_token", "DPoP scheme with a token that is not DPoP-bound");
        }
        if (t.x5t() != null) {
            if (p.certificate() == null || !t.x5t().equals(thumbprint(p.certificate()))) {
                return unauthorized("invalid_token", "certificate-bound token without the matching client certificate (RFC 8705 §3)");
            }
        }
        if (route.config.auth().requireSenderConstraint() && !t.senderConstrained()) {
            return unauthorized("invalid_token", "route requires a sender-constrained token");
        }
        return scopes(route, new Identity("jwt", t, null, null));
    }

    /** RFC 9449 §4.3 by the SDK's verifier (the one every service runs); @return null when the proof holds */
    private String dpopFailure(Presented p, String token, String jkt) {
        if (p.dpopProof() == null || p.dpopProof().isEmpty()) {
            return "DPoP header missing for a DPoP-bound token (RFC 9449 §7.1)";
        }
        if (p.dpopProof().indexOf(',') >= 0) {
            return "not exactly one DPoP proof (RFC 9449 §4.3 check 1)";
        }
        URI htu;
        try {
            htu = URI.create(p.htu());
        } catch (IllegalArgumentException e) {
            return "request URI unusable for htu (RFC 9449 §4.3 check 9)";
        }
        return dpop.verify(p.dpopProof(), p.method(), htu, token, jkt).problem();
    }

    private Object apiKey(CompiledRoute route, String key, String method) {
        if (!route.apiKey) {
            return unauthorized("api_key_not_accepted", "route does not accept API keys");
        }
        ApiKeyInfo info = apiKeys.lookup(key);
        if (info == null) {
            return new Refusal(401, "invalid_api_key", "Authentication failed.",
                    ApiKeyRegistry.wellFormed(key) ? "unknown, expired or revoked API key" : "malformed API key",
                    "ApiKey realm=\"aegis-gateway\"", null);
        }
        if (!info.permits(route.id, method)) {
            return Refusal.of(403, "api_key_scope", "This credential may not call this resource.",
                    "API key " + info.keyId() + " not scoped to " + route.id + " " + method);
        }
        return scopes(route, new Identity("api-key", null, info, null));
    }

    /** Required scopes and roles (RFC 6750 §3.1 insufficient_scope). API keys and certificates carry none. */
    private static Object scopes(CompiledRoute route, Identity id) {
        Set<String> required = route.config.auth().scopes();
        Set<String> roles = route.config.auth().roles();
        if (required.isEmpty() && roles.isEmpty()) {
            return id;
        }
        Set<String> have = id.token() == null ? Set.of() : id.token().scopes();
        for (String s : required) {
            if (!have.contains(s)) {
                return new Refusal(403, "insufficient_scope", "The credential lacks a required scope.",
                        "missing scope " + s, "Bearer realm=\"aegis-gateway\", error=\"insufficient_scope\", scope=\""
                        + String.join(" ", required) + "\"", null);
            }
        }
        Set<String> haveRoles = id.token() == null ? Set.of() : id.token().roles();
        for (String r : roles) {
            if (!haveRoles.contains(r)) {
                return Refusal.of(403, "missing_role", "The credential lacks a required role.", "missing role " + r);
            }
        }
        return id;
    }

    private static Refusal unauthorized(String code, String reason) {
        return new Refusal(401, code, "Authentication failed.", reason, INVALID_TOKEN, null);
    }

    static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** RFC 8705 §3.1: base64url SHA-256 of the DER certificate. */
    static String thumbprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "";
        }
    }

    static List<String> none() {
        return List.of();
    }
}
