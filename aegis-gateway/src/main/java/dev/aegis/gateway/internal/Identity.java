package dev.aegis.gateway.internal;

import dev.aegis.gateway.api.ApiKeyInfo;

/**
 * Who made an authenticated request. Exactly one of {@code token}, {@code apiKey}, {@code certificateSubject}
 * is set, matching {@code method}; all three are {@code null} for an anonymous route.
 *
 * @param method             {@code jwt}, {@code api-key}, {@code mtls} or {@code none}
 * @param token              the verified JWT
 * @param apiKey             the API key's description (never the key)
 * @param certificateSubject the client certificate's subject DN
 */
record Identity(String method, VerifiedToken token, ApiKeyInfo apiKey, String certificateSubject) {

    static final Identity ANONYMOUS = new Identity("none", null, null, null);

    String subject() {
        if (token != null) {
            return token.subject();
        }
        if (apiKey != null) {
            return apiKey.consumer();
        }
        return certificateSubject == null ? "" : certificateSubject;
    }

    String actor() {
        if (token != null) {
            return "sub:" + token.subject();
        }
        if (apiKey != null) {
            return "apikey:" + apiKey.keyId();
        }
        return certificateSubject == null ? "anonymous" : "cert:" + certificateSubject;
    }
}
