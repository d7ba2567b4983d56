package dev.aegis.policy.internal;

import java.util.Objects;

/**
 * One entry of a relation's {@code directly_related_user_types}: {@code user}, {@code user:*} (wildcard),
 * {@code group#member} (userset), each optionally {@code with condition}. Immutable.
 *
 * @param relation  the userset relation, or {@code null}
 * @param condition the condition name, or {@code null}
 */
public record RelationRef(String type, String relation, boolean wildcard, String condition) {
    public RelationRef {
        Objects.requireNonNull(type, "type");
        if (wildcard && relation != null) {
            throw new IllegalArgumentException("a wildcard type restriction has no relation");
        }
    }

    /** True when a tuple's user of this shape ({@code userType}, {@code userRelation} or '' , wildcard) fits. */
    boolean admits(String userType, String userRelation, boolean isWildcard, String conditionName) {
        if (!type.equals(userType) || wildcard != isWildcard) {
            return false;
        }
        String rel = relation == null ? "" : relation;
        return rel.equals(userRelation) && Objects.equals(condition, conditionName);
    }

    /** The DSL spelling, for messages. */
    @Override
    public String toString() {
        String base = wildcard ? type + ":*" : relation == null ? type : type + "#" + relation;
        return condition == null ? base : base + " with " + condition;
    }
}
