package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;

/**
 * What an endpoint answers, before serialisation (the audit trail fingerprints its values first).
 *
 * @param status HTTP status
 * @param body   JSON body, {@code null} for 204
 */
record Reply(int status, JsonNode body) {

    static Reply noContent() {
        return new Reply(204, null);
    }

    static Reply raw(JsonNode body) {
        return new Reply(200, body);
    }

    /** The standard envelope with {@code data}. */
    static Reply data(JsonNode data) {
        return new Reply(200, VaultJson.envelope(data));
    }

    /** A LIST answer; an empty list is a 404, as in Vault. */
    static Reply keys(Collection<String> keys) {
        if (keys.isEmpty()) {
            throw VaultError.notFound();
        }
        ObjectNode data = VaultJson.object();
        ArrayNode a = data.putArray("keys");
        for (String k : keys) {
            a.add(k);
        }
        return data(data);
    }

    static Reply error(VaultError e) {
        ObjectNode o = VaultJson.object();
        ArrayNode errors = o.putArray("errors");
        for (String s : e.errors()) {
            errors.add(s);
        }
        return new Reply(e.status(), o);
    }
}
