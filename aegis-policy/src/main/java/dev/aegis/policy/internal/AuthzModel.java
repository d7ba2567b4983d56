package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated OpenFGA authorization model (schema 1.1) with its conditions compiled, plus the reverse edges
 * that list-objects walks (which relations are computed from, or reached through, which). Immutable and
 * thread-safe.
 *
 * @param json the model as the client wrote it, with {@code id} set (returned by read)
 */
public record AuthzModel(String id, String schemaVersion, Map<String, TypeDef> types, Map<String, Condition> conditions,
                         ObjectNode json, ReverseEdges reverseEdges) {
    public AuthzModel {
        Objects.requireNonNull(id, "id");
        types = Map.copyOf(types);
        conditions = Map.copyOf(conditions);
    }

    static AuthzModel of(String id, String schemaVersion, Map<String, TypeDef> types, Map<String, Condition> conditions,
                         ObjectNode json) {
        return new AuthzModel(id, schemaVersion, types, conditions, json, ReverseEdges.of(types));
    }

    public TypeDef type(String name) {
        return types.get(name);
    }

    /** The rewrite of {@code type#relation}, or {@code null} when the model has no such relation. */
    public Userset rewrite(String type, String relation) {
        TypeDef t = types.get(type);
        return t == null ? null : t.relations().get(relation);
    }

    /*
     * Reverse edges, for list-objects: having type#relation on an object may give, on the same object, the
     * relations in computedFrom (they name it in a computed userset), or, on objects that point at it through a
     * tupleset, the relations in throughTupleset. Over-approximate: intersections and exclusions are verified
     * by check afterwards.
     */

    /** Reverse edges of a model; see {@link #reverseEdges()}. */
    public record ReverseEdges(Map<String, List<String>> computedFrom, Map<String, List<String[]>> throughTupleset) {
        static ReverseEdges of(Map<String, TypeDef> types) {
            Map<String, List<String>> computed = new HashMap<>();
            Map<String, List<String[]>> ttu = new HashMap<>();
            for (TypeDef t : types.values()) {
                for (Map.Entry<String, Userset> r : t.relations().entrySet()) {
                    collect(t, r.getKey(), r.getValue(), computed, ttu);
                }
            }
            return new ReverseEdges(computed, ttu);
        }

        private static void collect(TypeDef t, String relation, Userset u,
                                    Map<String, List<String>> computed, Map<String, List<String[]>> ttu) {
            switch (u) {
                case Userset.This ignored -> { }
                case Userset.Computed c -> computed.computeIfAbsent(t.name() + "#" + c.relation(), k -> new ArrayList<>())
                        .add(relation);
                case Userset.TupleToUserset x -> {
                    for (RelationRef ref : t.directTypes(x.tupleset())) {
                        // key: the related object's type and relation; value: {this type, relation, tupleset}
                        ttu.computeIfAbsent(ref.type() + "#" + x.computed(), k -> new ArrayList<>())
                                .add(new String[] {t.name(), relation, x.tupleset()});
                    }
                }
                case Userset.Union un -> un.children().forEach(c -> collect(t, relation, c, computed, ttu));
                case Userset.Intersection in -> in.children().forEach(c -> collect(t, relation, c, computed, ttu));
                case Userset.Difference d -> collect(t, relation, d.base(), computed, ttu);
            }
        }
    }
}
