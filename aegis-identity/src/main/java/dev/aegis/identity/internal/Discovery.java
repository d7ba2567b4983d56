package dev.aegis.identity.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Authorization server metadata (RFC 8414 §2) and OpenID Provider metadata (OIDC Discovery §3), one document
 * served at both well-known paths, built once the issuer is known. The JWKS it points to is the foundation's
 * {@code /.well-known/jwks.json} (the {@code tokens} ring).
 *
 * <p>Thread-safe (an immutable string behind a volatile).
 */
public final class Discovery {

    private volatile String document = "{}";

    void issuer(String issuer, String algorithm) {
        ObjectNode o = Json.object();
        o.put("issuer", issuer);
        o.put("authorization_endpoint", issuer + "/oauth2/authorize");
        o.put("token_endpoint", issuer + "/oauth2/token");
        o.put("jwks_uri", issuer + "/.well-known/jwks.json");
        o.put("userinfo_endpoint", issuer + "/userinfo");
        o.put("introspection_endpoint", issuer + "/oauth2/introspect");
        o.put("revocation_endpoint", issuer + "/oauth2/revoke");
        o.put("device_authorization_endpoint", issuer + "/oauth2/device_authorization");
        o.put("end_session_endpoint", issuer + "/logout");
        array(o, "response_types_supported", "code");
        array(o, "response_modes_supported", "query");
        array(o, "grant_types_supported", GrantTypes.AUTHORIZATION_CODE, GrantTypes.CLIENT_CREDENTIALS,
                GrantTypes.REFRESH_TOKEN, GrantTypes.DEVICE_CODE, GrantTypes.TOKEN_EXCHANGE);
        array(o, "subject_types_supported", "public");
        array(o, "id_token_signing_alg_values_supported", algorithm);
        array(o, "token_endpoint_auth_methods_supported", ClientRecord.SECRET_BASIC, ClientRecord.SECRET_POST,
                ClientRecord.PRIVATE_KEY_JWT, ClientRecord.NONE);
        array(o, "token_endpoint_auth_signing_alg_values_supported", "ES256", "RS256", "PS256", "EdDSA");
        array(o, "introspection_endpoint_auth_methods_supported", ClientRecord.SECRET_BASIC, ClientRecord.SECRET_POST,
                ClientRecord.PRIVATE_KEY_JWT);
        array(o, "revocation_endpoint_auth_methods_supported", ClientRecord.SECRET_BASIC, ClientRecord.SECRET_POST,
                ClientRecord.PRIVATE_KEY_JWT, ClientRecord.NONE);
        array(o, "code_challenge_methods_supported", "S256");
        array(o, "scopes_supported", Scopes.OPENID, "profile", "email", "roles", Scopes.OFFLINE_ACCESS);
        array(o, "claims_supported", "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name",
                "preferred_username", "email", "roles", "groups");
        array(o, "dpop_signing_alg_values_supported", "ES256", "RS256", "PS256");
        o.put("tls_client_certificate_bound_access_tokens", true);
        o.put("authorization_response_iss_parameter_supported", true);
        o.put("require_pushed_authorization_requests", false);
        document = o.toString();
    }

    private static void array(ObjectNode o, String name, String... values) {
        ArrayNode a = o.putArray(name);
        for (String v : values) {
            a.add(v);
        }
    }

    public void handle(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
        response.send(document);
    }
}
