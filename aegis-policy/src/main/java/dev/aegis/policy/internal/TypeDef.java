package dev.aegis.policy.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One type of an authorization model: its relations' rewrites and the user types each may be assigned
 * directly. Immutable.
 */
public record TypeDef(String name, Map<String, Userset> relations, Map<String, List<RelationRef>> directTypes) {
    public TypeDef {
        Objects.requireNonNull(name, "name");
        // insertion order kept: validation reports the first offending relation as written
        relations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(relations));
        directTypes = Map.copyOf(directTypes);
    }

    /** The type restrictions of a relation; empty when it takes no direct tuples. */
    public List<RelationRef> directTypes(String relation) {
        List<RelationRef> refs = directTypes.get(relation);
        return refs == null ? List.of() : refs;
    }
}
