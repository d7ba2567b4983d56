package dev.aegis.identity.internal;

import java.util.Set;

/**
 * A successful token response (RFC 6749 §5.1; RFC 8693 §2.2.1 {@code issued_token_type}; OIDC Core §3.1.3.3
 * {@code id_token}). Hand-written JSON: this is the hot path of the client credentials grant.
 */
public record TokenResponse(TokenService.Issued access, String tokenType, Set<String> scope, String refreshToken,
                            String idToken, String issuedTokenType) {

    /** @return the JSON body */
    public String json() {
        StringBuilder b = new StringBuilder(access.token().length() + 256);
        b.append("{\"access_token\":\"").append(access.token())
                .append("\",\"token_type\":\"").append(tokenType)
                .append("\",\"expires_in\":").append(access.expiresIn());
        if (!scope.isEmpty()) {
            b.append(",\"scope\":\"").append(Json.escape(Scopes.join(scope))).append('"');
        }
        if (refreshToken != null) {
            b.append(",\"refresh_token\":\"").append(refreshToken).append('"');
        }
        if (idToken != null) {
            b.append(",\"id_token\":\"").append(idToken).append('"');
        }
        if (issuedTokenType != null) {
            b.append(",\"issued_token_type\":\"").append(issuedTokenType).append('"');
        }
        return b.append('}').toString();
    }
}
