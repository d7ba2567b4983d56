package dev.aegis.identity.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.jwt.JwtClaims;
import java.util.List;
import java.util.Set;

/**
 * The user claims released per scope (OIDC Core §5.4): {@code profile} → {@code name}, {@code preferred_username};
 * {@code email} → {@code email}; {@code roles}/{@code groups} → roles, groups and attributes.
 */
final class UserInfoClaims {

    private UserInfoClaims() {
    }

    static void add(UserRecord user, Set<String> scope, JwtClaims.Builder b) {
        if (scope.contains("profile")) {
            b.claim("preferred_username", user.username());
            user.displayName().ifPresent(n -> b.claim("name", n));
        }
        if (scope.contains("email") && user.email().isPresent()) {
            b.claim("email", user.email().get());
        }
    }

    static ObjectNode json(UserRecord user, Set<String> scope) {
        ObjectNode o = Json.object();
        o.put("sub", user.userId());
        if (scope.contains("profile")) {
            o.put("preferred_username", user.username());
            user.displayName().ifPresent(n -> o.put("name", n));
        }
        if (scope.contains("email") && user.email().isPresent()) {
            o.put("email", user.email().get());
        }
        if (scope.contains("roles")) {
            var roles = o.putArray("roles");
            for (String r : List.copyOf(user.roles())) {
                roles.add(r);
            }
            var groups = o.putArray("groups");
            for (String g : user.groups()) {
                groups.add(g);
            }
            var attrs = o.putObject("attributes");
            user.attributes().forEach(attrs::put);
        }
        return o;
    }
}
