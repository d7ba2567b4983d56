package dev.aegis.policy.internal;

/**
 * The subject of a check: a plain user {@code type:id}, a wildcard {@code type:*} or a userset
 * {@code type:id#relation}. Immutable; {@link #key()} is precomputed for index lookups.
 */
public record UserRef(String type, String id, String relation, String key) {

    public static UserRef parse(String user) {
        String[] u = TupleKeys.user(user);
        return of(u[0], u[1], u[2]);
    }

    public static UserRef of(String type, String id, String relation) {
        return new UserRef(type, id, relation, TupleView.userKey(type, id, relation));
    }

    public boolean wildcard() {
        return "*".equals(id);
    }

    public boolean userset() {
        return !relation.isEmpty();
    }

    @Override
    public String toString() {
        return key;
    }
}
