package dev.aegis.policy.internal;

import java.util.List;

/**
 * Checks tuples and queries against a model, with OpenFGA's messages: a tuple must name a defined type and
 * relation, and its user shape and condition must be one of the relation's type restrictions. Stateless.
 */
final class TupleValidation {
    private TupleValidation() {
    }

    static void check(AuthzModel model, Tuple t, boolean forWrite) {
        TypeDef type = model.type(t.objectType());
        if (type == null) {
            throw invalid(t, "type '" + t.objectType() + "' not found");
        }
        if (!type.relations().containsKey(t.relation())) {
            throw invalid(t, "relation '" + t.objectType() + "#" + t.relation() + "' not found");
        }
        List<RelationRef> allowed = type.directTypes(t.relation());
        if (allowed.isEmpty()) {
            throw invalid(t, "relation '" + t.objectType() + "#" + t.relation() + "' does not allow direct assignment");
        }
        TypeDef userType = model.type(t.userType());
        if (userType == null) {
            throw invalid(t, "type '" + t.userType() + "' not found");
        }
        if (!t.userRelation().isEmpty() && !userType.relations().containsKey(t.userRelation())) {
            throw invalid(t, "relation '" + t.userType() + "#" + t.userRelation() + "' not found");
        }
        boolean shape = false;
        for (RelationRef ref : allowed) {
            if (ref.admits(t.userType(), t.userRelation(), t.wildcard(), t.conditionName())) {
                return;
            }
            shape |= ref.type().equals(t.userType()) && ref.wildcard() == t.wildcard()
                    && (ref.relation() == null ? "" : ref.relation()).equals(t.userRelation());
        }
        if (shape) {
            throw invalid(t, t.conditionName() == null
                    ? "the type restriction of '" + t.objectType() + "#" + t.relation() + "' requires a condition"
                    : "condition '" + t.conditionName() + "' is not allowed for '" + t.objectType() + "#" + t.relation() + "'");
        }
        String userShape = t.wildcard() ? t.userType() + ":*"
                : t.userRelation().isEmpty() ? t.userType() : t.userType() + "#" + t.userRelation();
        throw invalid(t, "type '" + userShape + "' is not an allowed type restriction for '" + t.objectType() + "#"
                + t.relation() + "'");
    }

    private static InvalidInputException invalid(Tuple t, String reason) {
        return new InvalidInputException("Invalid tuple '" + t.object() + "#" + t.relation() + "@" + t.user()
                + "'. Reason: " + reason);
    }

    /** A query's object type and relation (and user type / relation, when given) exist in the model. */
    static void checkQuery(AuthzModel model, String objectType, String relation, String userType, String userRelation) {
        TypeDef type = model.type(objectType);
        if (type == null) {
            throw new InvalidInputException("type '" + objectType + "' not found");
        }
        if (!type.relations().containsKey(relation)) {
            throw new InvalidInputException("relation '" + objectType + "#" + relation + "' not found");
        }
        if (userType != null) {
            TypeDef ut = model.type(userType);
            if (ut == null) {
                throw new InvalidInputException("type '" + userType + "' not found");
            }
            if (userRelation != null && !userRelation.isEmpty() && !ut.relations().containsKey(userRelation)) {
                throw new InvalidInputException("relation '" + userType + "#" + userRelation + "' not found");
            }
        }
    }
}
