package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A relationship tuple {@code objectType:objectId#relation@user}, where the user is {@code userType:userId}, the
 * wildcard {@code userType:*} or the userset {@code userType:userId#userRelation}; optionally conditional.
 * Built only through {@link TupleKeys#parse} (or from rows written by it), so its parts are always valid.
 * Immutable; {@code equals} compares the key only (the condition is a property of the stored tuple).
 *
 * @param userRelation {@code ""} for a plain user or wildcard
 * @param conditionName {@code null} when unconditional
 * @param context the condition's stored context, or {@code null}
 */
public record Tuple(String objectType, String objectId, String relation, String userType, String userId,
                    String userRelation, String conditionName, ObjectNode context) {
    public Tuple {
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(userType, "userType");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(userRelation, "userRelation");
    }

    public String object() {
        return objectType + ":" + objectId;
    }

    public String user() {
        return userRelation.isEmpty() ? userType + ":" + userId : userType + ":" + userId + "#" + userRelation;
    }

    public boolean wildcard() {
        return "*".equals(userId);
    }

    /** The same key without condition, for deletes and lookups. */
    public Tuple keyOnly() {
        return conditionName == null ? this : new Tuple(objectType, objectId, relation, userType, userId, userRelation, null, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tuple t && objectType.equals(t.objectType) && objectId.equals(t.objectId)
                && relation.equals(t.relation) && userType.equals(t.userType) && userId.equals(t.userId)
                && userRelation.equals(t.userRelation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(objectType, objectId, relation, userType, userId, userRelation);
    }

    @Override
    public String toString() {
        return object() + "#" + relation + "@" + user() + (conditionName == null ? "" : " with " + conditionName);
    }
}
