package dev.aegis.identity.internal;

import java.util.Set;

/** The grant type names Aegis supports (RFC 6749 §4, RFC 8628 §3.4, RFC 8693 §2.1), registered names only. */
public final class GrantTypes {
    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

    /** Every supported grant type. */
    public static final Set<String> ALL = Set.of(AUTHORIZATION_CODE, CLIENT_CREDENTIALS, REFRESH_TOKEN, DEVICE_CODE,
            TOKEN_EXCHANGE);

    private GrantTypes() {
    }
}
