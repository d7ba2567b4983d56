package dev.aegis.identity.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A registered OAuth client or service account (RFC 6749 §2; metadata names from RFC 7591 §2). The secret is
 * never here, only its HMAC fingerprint.
 *
 * <p>Immutable; an invalid client cannot be built. Collections are unmodifiable copies.
 *
 * @param clientId               1..128 characters of {@code [A-Za-z0-9._:-]}
 * @param name                   display name
 * @param confidential           confidential (has a secret or keys) or public (RFC 6749 §2.1)
 * @param authMethod             {@code client_secret_basic} (also accepts {@code client_secret_post}),
 *                               {@code client_secret_post}, {@code private_key_jwt} or {@code none}
 * @param secretHash             HMAC fingerprint of the secret, empty for public and private_key_jwt clients
 * @param grantTypes             allowed grants
 * @param scopes                 scopes it may ask for
 * @param redirectUris           registered redirect URIs, matched exactly (RFC 9700 §4.1.3)
 * @param audiences              audiences its tokens may be issued for; the first is the default {@code aud}
 * @param accessTokenTtl         access token lifetime
 * @param refreshTokenTtl        refresh token lifetime
 * @param firstParty             first-party clients skip the consent screen
 * @param requireDpop            tokens must be DPoP-bound (RFC 9449 §5)
 * @param jwks                   JWK Set JSON for {@code private_key_jwt}, may be empty
 * @param postLogoutRedirectUris registered post-logout redirect URIs (OIDC RP-Initiated Logout §2)
 */
public record ClientRecord(String clientId, String name, boolean confidential, String authMethod,
                           Optional<String> secretHash, Set<String> grantTypes, Set<String> scopes,
                           List<String> redirectUris, List<String> audiences, Duration accessTokenTtl,
                           Duration refreshTokenTtl, boolean firstParty, boolean requireDpop, Optional<String> jwks,
                           List<String> postLogoutRedirectUris) {

    public static final String SECRET_BASIC = "client_secret_basic";
    public static final String SECRET_POST = "client_secret_post";
    public static final String PRIVATE_KEY_JWT = "private_key_jwt";
    public static final String NONE = "none";
    static final Set<String> AUTH_METHODS = Set.of(SECRET_BASIC, SECRET_POST, PRIVATE_KEY_JWT, NONE);
    static final Duration MAX_ACCESS_TTL = Duration.ofDays(1);

    /** Validates every field. */
    public ClientRecord {
        if (!validClientId(clientId)) {
            throw new IllegalArgumentException("client_id must be 1..128 characters of [A-Za-z0-9._:-]");
        }
        if (name == null || name.length() > 256) {
            throw new IllegalArgumentException("client_name must be at most 256 characters");
        }
        if (!AUTH_METHODS.contains(authMethod)) {
            throw new IllegalArgumentException("token_endpoint_auth_method must be one of " + AUTH_METHODS);
        }
        if (confidential == NONE.equals(authMethod)) {
            throw new IllegalArgumentException("public clients use token_endpoint_auth_method none, confidential ones do not");
        }
        boolean usesSecret = SECRET_BASIC.equals(authMethod) || SECRET_POST.equals(authMethod);
        if (usesSecret != secretHash.isPresent()) {
            throw new IllegalArgumentException("a client secret exists exactly for client_secret_basic/post clients");
        }
        if (PRIVATE_KEY_JWT.equals(authMethod) && jwks.isEmpty()) {
            throw new IllegalArgumentException("private_key_jwt needs jwks");
        }
        grantTypes = Set.copyOf(grantTypes);
        if (grantTypes.isEmpty() || !GrantTypes.ALL.containsAll(grantTypes)) {
            throw new IllegalArgumentException("grant_types must be a non-empty subset of " + GrantTypes.ALL);
        }
        if (!confidential && (grantTypes.contains(GrantTypes.CLIENT_CREDENTIALS) || grantTypes.contains(GrantTypes.TOKEN_EXCHANGE))) {
            throw new IllegalArgumentException("public clients cannot use client_credentials or token exchange");
        }
        scopes = Set.copyOf(scopes);
        if (!Scopes.valid(scopes)) {
            throw new IllegalArgumentException("scopes must be scope tokens (RFC 6749 §3.3)");
        }
        redirectUris = List.copyOf(redirectUris);
        for (String uri : redirectUris) {
            checkRedirectUri(uri);
        }
        if (grantTypes.contains(GrantTypes.AUTHORIZATION_CODE) && redirectUris.isEmpty()) {
            throw new IllegalArgumentException("authorization_code clients need at least one redirect_uri");
        }
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        for (String uri : postLogoutRedirectUris) {
            checkRedirectUri(uri);
        }
        audiences = List.copyOf(audiences);
        for (String a : audiences) {
            if (a.isEmpty() || a.length() > 256 || a.indexOf(' ') >= 0) {
                throw new IllegalArgumentException("audiences must be non-empty strings without spaces");
            }
        }
        if (accessTokenTtl.isNegative() || accessTokenTtl.isZero() || accessTokenTtl.compareTo(MAX_ACCESS_TTL) > 0) {
            throw new IllegalArgumentException("access_token_lifetime must be within 1 s .. 1 day");
        }
        if (refreshTokenTtl.isNegative() || refreshTokenTtl.isZero() || refreshTokenTtl.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("refresh_token_lifetime must be within 1 s .. 366 days");
        }
    }

    /** @return whether the client accepts the given token endpoint auth method */
    public boolean accepts(String method) {
        if (authMethod.equals(method)) {
            return true;
        }
        // A secret is a secret: a client registered for one secret method may use the other (the contract of
        // the benchmark script); both only over the token endpoint's TLS.
        return (SECRET_BASIC.equals(authMethod) && SECRET_POST.equals(method))
                || (SECRET_POST.equals(authMethod) && SECRET_BASIC.equals(method));
    }

    static boolean validClientId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    /** RFC 6749 §3.1.2: absolute, no fragment; https, or http only for loopback (RFC 8252 §7.3), or a private scheme. */
    static void checkRedirectUri(String uri) {
        if (uri == null || uri.length() > 2048 || uri.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("redirect URIs are at most 2048 characters without spaces");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("redirect URI is not a URI");
        }
        if (!parsed.isAbsolute() || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("redirect URIs must be absolute and without fragment (RFC 6749 §3.1.2)");
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http")) {
            String host = parsed.getHost();
            if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"))) {
                throw new IllegalArgumentException("http redirect URIs are allowed only for loopback (RFC 8252 §7.3)");
            }
        } else if (scheme.equals("javascript") || scheme.equals("data") || scheme.equals("file")) {
            throw new IllegalArgumentException("redirect URI scheme not allowed");
        }
    }
}
