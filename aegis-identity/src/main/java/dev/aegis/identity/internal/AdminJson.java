package dev.aegis.identity.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecureIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON of the admin API: client registration fields named as in RFC 7591 §2 ({@code client_id},
 * {@code client_name}, {@code grant_types}, {@code redirect_uris}, {@code token_endpoint_auth_method},
 * {@code jwks}, {@code scope} or {@code scopes}) plus Aegis's own (lifetimes, audiences, first_party,
 * require_dpop); users with username, password, roles, groups and attributes. Messages name the field and the
 * rule; they never echo a value.
 */
final class AdminJson {

    private static final int DEFAULT_ACCESS_TTL = 300;
    private static final int DEFAULT_REFRESH_TTL = 14 * 24 * 3600;

    private final ClientRegistry clients;
    private final UserDirectory users;

    record NewClient(ClientRecord client, Optional<String> secret) {
    }

    AdminJson(ClientRegistry clients, UserDirectory users) {
        this.clients = clients;
        this.users = users;
    }

    NewClient client(ObjectNode o) {
        String id = o.hasNonNull("client_id") ? text(o, "client_id") : "client-" + SecureIds.token(9);
        String method = o.hasNonNull("token_endpoint_auth_method") ? text(o, "token_endpoint_auth_method")
                : ClientRecord.SECRET_BASIC;
        boolean confidential = !ClientRecord.NONE.equals(method);
        List<String> grants = strings(o, "grant_types", List.of(GrantTypes.CLIENT_CREDENTIALS));
        List<String> scopes = o.has("scope") ? Rows.list(text(o, "scope")) : strings(o, "scopes", List.of());
        Optional<String> secret = ClientRecord.SECRET_BASIC.equals(method) || ClientRecord.SECRET_POST.equals(method)
                ? Optional.of(ClientRegistry.newSecret()) : Optional.empty();
        Optional<String> jwks = o.has("jwks") ? Optional.of(o.get("jwks").toString()) : Optional.empty();
        if (jwks.isPresent() && jwks.get().length() > 16384) {
            throw new IllegalArgumentException("jwks is too large");
        }
        ClientRecord client = new ClientRecord(id, o.hasNonNull("client_name") ? text(o, "client_name") : id, confidential,
                method, secret.map(clients::fingerprint), new java.util.LinkedHashSet<>(grants),
                new java.util.LinkedHashSet<>(scopes), strings(o, "redirect_uris", List.of()),
                strings(o, "audiences", List.of()), seconds(o, "access_token_lifetime", DEFAULT_ACCESS_TTL),
                seconds(o, "refresh_token_lifetime", DEFAULT_REFRESH_TTL), bool(o, "first_party"),
                bool(o, "require_dpop"), jwks, strings(o, "post_logout_redirect_uris", List.of()));
        return new NewClient(client, secret);
    }

    UserRecord user(ObjectNode o) {
        String username = text(o, "username");
        String password = text(o, "password");
        if (password.length() < 8 || password.length() > 1024) {
            throw new IllegalArgumentException("password must be 8..1024 characters");
        }
        Map<String, String> attributes = new HashMap<>();
        JsonNode attrs = o.get("attributes");
        if (attrs != null && !attrs.isNull()) {
            if (!attrs.isObject()) {
                throw new IllegalArgumentException("attributes must be an object of strings");
            }
            Iterator<Map.Entry<String, JsonNode>> it = attrs.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new IllegalArgumentException("attributes must be an object of strings");
                }
                attributes.put(e.getKey(), e.getValue().textValue());
            }
        }
        char[] chars = password.toCharArray();
        String hash = users.hasher().hash(chars);
        java.util.Arrays.fill(chars, '\0');
        return new UserRecord(SecureIds.newId(), username, hash,
                Optional.ofNullable(o.hasNonNull("email") ? text(o, "email") : null),
                Optional.ofNullable(o.hasNonNull("display_name") ? text(o, "display_name") : null),
                new java.util.LinkedHashSet<>(strings(o, "roles", List.of())), strings(o, "groups", List.of()), attributes,
                bool(o, "disabled"));
    }

    ObjectNode clientJson(ClientRecord c) {
        ObjectNode o = Json.object();
        o.put("client_id", c.clientId());
        o.put("client_name", c.name());
        o.put("client_type", c.confidential() ? "confidential" : "public");
        o.put("token_endpoint_auth_method", c.authMethod());
        array(o, "grant_types", c.grantTypes());
        o.put("scope", Scopes.join(c.scopes()));
        array(o, "redirect_uris", c.redirectUris());
        array(o, "audiences", c.audiences());
        o.put("access_token_lifetime", c.accessTokenTtl().toSeconds());
        o.put("refresh_token_lifetime", c.refreshTokenTtl().toSeconds());
        o.put("first_party", c.firstParty());
        o.put("require_dpop", c.requireDpop());
        array(o, "post_logout_redirect_uris", c.postLogoutRedirectUris());
        return o;
    }

    ObjectNode userJson(UserRecord u) {
        ObjectNode o = Json.object();
        o.put("user_id", u.userId());
        o.put("username", u.username());
        u.email().ifPresent(e -> o.put("email", e));
        u.displayName().ifPresent(n -> o.put("display_name", n));
        array(o, "roles", u.roles());
        array(o, "groups", u.groups());
        ObjectNode attrs = o.putObject("attributes");
        u.attributes().forEach(attrs::put);
        o.put("disabled", u.disabled());
        return o;
    }

    ArrayNode clientsJson() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (ClientRecord c : clients.list()) {
            a.add(clientJson(c));
        }
        return a;
    }

    ArrayNode usersJson() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (UserRecord u : users.list()) {
            a.add(userJson(u));
        }
        return a;
    }

    ArrayNode groupsJson() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        users.groups().forEach((name, description) -> a.addObject().put("name", name).put("description", description));
        return a;
    }

    private static void array(ObjectNode o, String name, Iterable<String> values) {
        ArrayNode a = o.putArray(name);
        for (String v : values) {
            a.add(v);
        }
    }

    private static String text(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return n.textValue();
    }

    private static boolean bool(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false");
        }
        return n.booleanValue();
    }

    private static Duration seconds(ObjectNode o, String field, int fallback) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return Duration.ofSeconds(fallback);
        }
        if (!n.canConvertToInt() || n.intValue() < 1) {
            throw new IllegalArgumentException(field + " must be a positive number of seconds");
        }
        return Duration.ofSeconds(n.intValue());
    }

    private static List<String> strings(ObjectNode o, String field, List<String> fallback) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isArray() || n.size() > 100) {
            throw new IllegalArgumentException(field + " must be an array of at most 100 strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException(field + " must be an array of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }
}
