package dev.aegis.identity.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A user of the identity provider: login name, Argon2id password hash (PHC string), roles, groups and
 * attributes (department, clearance, ... for the authorization engine). Never carries the password.
 *
 * <p>Immutable; an invalid user cannot be built.
 *
 * @param userId       stable subject identifier ({@code sub}, OIDC Core §2), never reassigned
 * @param username     login name, 1..128 characters of {@code [A-Za-z0-9._@+-]}, case-sensitive
 * @param passwordHash Argon2id PHC string
 * @param email        may be empty
 * @param displayName  may be empty
 * @param roles        role names (scope-token characters)
 * @param groups       group names
 * @param attributes   at most 32 string attributes
 * @param disabled     a disabled user cannot log in
 */
public record UserRecord(String userId, String username, String passwordHash, Optional<String> email,
                         Optional<String> displayName, Set<String> roles, List<String> groups,
                         Map<String, String> attributes, boolean disabled) {

    /** Validates. */
    public UserRecord {
        if (userId == null || userId.isEmpty() || userId.length() > 64) {
            throw new IllegalArgumentException("user id must be 1..64 characters");
        }
        if (!validUsername(username)) {
            throw new IllegalArgumentException("username must be 1..128 characters of [A-Za-z0-9._@+-]");
        }
        if (passwordHash == null || !passwordHash.startsWith("$argon2id$")) {
            throw new IllegalArgumentException("password hash must be an Argon2id PHC string");
        }
        if (email.isPresent() && (email.get().length() > 320 || email.get().indexOf('@') < 1)) {
            throw new IllegalArgumentException("email must be an address of at most 320 characters");
        }
        if (displayName.isPresent() && displayName.get().length() > 256) {
            throw new IllegalArgumentException("display_name must be at most 256 characters");
        }
        roles = Set.copyOf(roles);
        if (!Scopes.valid(roles)) {
            throw new IllegalArgumentException("roles must be tokens without spaces or quotes");
        }
        groups = List.copyOf(groups);
        if (attributes.size() > 32) {
            throw new IllegalArgumentException("at most 32 attributes");
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 64 || e.getValue().length() > 256) {
                throw new IllegalArgumentException("attribute names are 1..64 characters, values at most 256");
            }
        }
        attributes = java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
    }

    /** @return without the password hash */
    @Override
    public String toString() {
        return "UserRecord[" + userId + ", " + username + "]";
    }

    static boolean validUsername(String name) {
        if (name == null || name.isEmpty() || name.length() > 128) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-' || c == '@' || c == '+')) {
                return false;
            }
        }
        return true;
    }
}
