package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One authenticated request inside the router.
 *
 * @param op            the operation
 * @param path          full path (no leading or trailing slash)
 * @param rest          the path inside the mount or API group
 * @param body          the JSON body (empty object if none)
 * @param query         query parameters
 * @param token         the caller's token entry; {@code null} on unauthenticated endpoints
 * @param remoteAddress the client address
 */
record Call(Operation op, String path, String rest, ObjectNode body, Map<String, String> query, TokenEntry token,
            String remoteAddress) {

    Call withRest(String newRest) {
        return new Call(op, path, newRest, body, query, token, remoteAddress);
    }

    /** A field from the body, or else from the query string (Vault accepts both for GET parameters). */
    String param(String name) {
        String q = query.get(name);
        if (q != null) {
            return q;
        }
        return VaultJson.text(body, name, null);
    }

    String accessor() {
        return token == null ? null : token.accessor();
    }
}
