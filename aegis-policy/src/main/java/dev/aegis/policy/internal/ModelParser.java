package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates an OpenFGA authorization model in its JSON form (the body of
 * {@code POST /stores/{id}/authorization-models}, schema 1.1). Every rule has its own message naming the type and
 * relation; the first violation is reported. Stateless and thread-safe.
 */
public final class ModelParser {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_TYPES = 1000;
    static final int MAX_NAME = 254;
    static final int MAX_RELATION_NAME = 50;

    private ModelParser() {
    }

    /** Parses and validates {@code body}; {@code id} becomes the model's id. */
    public static AuthzModel parse(String id, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ModelException("the authorization model must be a JSON object");
        }
        String schema = body.path("schema_version").asText("");
        if (!"1.1".equals(schema)) {
            throw new ModelException("schema_version must be '1.1', got '" + schema + "'");
        }
        JsonNode typeDefs = body.path("type_definitions");
        if (!typeDefs.isArray() || typeDefs.isEmpty()) {
            throw new ModelException("type_definitions must be a non-empty array");
        }
        if (typeDefs.size() > MAX_TYPES) {
            throw new ModelException("a model may define at most " + MAX_TYPES + " types");
        }
        Map<String, Condition> conditions = conditions(body.path("conditions"));
        Map<String, TypeDef> types = new LinkedHashMap<>();
        for (JsonNode td : typeDefs) {
            TypeDef t = typeDef(td);
            if (types.put(t.name(), t) != null) {
                throw new ModelException("type '" + t.name() + "' is defined more than once");
            }
        }
        for (TypeDef t : types.values()) {
            for (Map.Entry<String, Userset> r : t.relations().entrySet()) {
                validate(types, conditions, t, r.getKey(), r.getValue());
            }
            for (String rel : t.directTypes().keySet()) {
                if (!t.relations().containsKey(rel)) {
                    throw new ModelException("type '" + t.name() + "': metadata names relation '" + rel + "' that is not defined");
                }
            }
            checkComputedCycles(t);
        }
        ObjectNode json = body.deepCopy();
        json.put("id", id);
        return AuthzModel.of(id, schema, types, conditions, json);
    }

    private static Map<String, Condition> conditions(JsonNode node) {
        Map<String, Condition> out = new HashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new ModelException("conditions must be an object keyed by condition name");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode c = e.getValue();
            checkName(name, MAX_NAME, "condition name");
            if (c.has("name") && !name.equals(c.get("name").asText())) {
                throw new ModelException("condition '" + name + "': its name field says '" + c.get("name").asText() + "'");
            }
            Map<String, ConditionParamType> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> p = c.path("parameters").properties().iterator(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> pe = p.next();
                checkName(pe.getKey(), MAX_RELATION_NAME, "condition parameter name");
                params.put(pe.getKey(), ConditionParamType.parse(pe.getValue(),
                        "condition '" + name + "' parameter '" + pe.getKey() + "'"));
            }
            out.put(name, new Condition(name, c.path("expression").asText(""), params));
        }
        return out;
    }

    private static TypeDef typeDef(JsonNode td) {
        String name = td.path("type").asText("");
        checkName(name, MAX_NAME, "type name");
        Map<String, Userset> relations = new LinkedHashMap<>();
        JsonNode rels = td.path("relations");
        if (!rels.isMissingNode() && !rels.isNull() && !rels.isObject()) {
            throw new ModelException("type '" + name + "': relations must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = rels.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            checkName(e.getKey(), MAX_RELATION_NAME, "relation name");
            if ("self".equals(e.getKey()) || "this".equals(e.getKey())) {
                throw new ModelException("type '" + name + "': '" + e.getKey() + "' is a reserved word and cannot name a relation");
            }
            relations.put(e.getKey(), userset(e.getValue(), name + "#" + e.getKey(), 0));
        }
        Map<String, List<RelationRef>> direct = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = td.path("metadata").path("relations").properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<RelationRef> refs = new ArrayList<>();
            for (JsonNode ref : e.getValue().path("directly_related_user_types")) {
                String type = ref.path("type").asText("");
                String relation = ref.hasNonNull("relation") && !ref.get("relation").asText().isEmpty()
                        ? ref.get("relation").asText() : null;
                String condition = ref.hasNonNull("condition") && !ref.get("condition").asText().isEmpty()
                        ? ref.get("condition").asText() : null;
                refs.add(new RelationRef(type, relation, ref.hasNonNull("wildcard"), condition));
            }
            direct.put(e.getKey(), List.copyOf(refs));
        }
        return new TypeDef(name, relations, direct);
    }

    private static Userset userset(JsonNode node, String where, int depth) {
        if (depth > 50) {
            throw new ModelException(where + ": the rewrite is nested too deeply");
        }
        String kind = null;
        if (node != null && node.isObject()) {
            // The official DSL parser writes every field and leaves the unused ones null.
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    if (kind != null) {
                        kind = "";
                        break;
                    }
                    kind = e.getKey();
                }
            }
        }
        if (kind == null || kind.isEmpty()) {
            throw new ModelException(where + ": a rewrite must have exactly one of this, computedUserset, tupleToUserset, "
                    + "union, intersection, difference");
        }
        JsonNode v = node.get(kind);
        return switch (kind) {
            case "this" -> new Userset.This();
            case "computedUserset" -> new Userset.Computed(required(v.path("relation"), where, "computedUserset.relation"));
            case "tupleToUserset" -> new Userset.TupleToUserset(
                    required(v.path("tupleset").path("relation"), where, "tupleToUserset.tupleset.relation"),
                    required(v.path("computedUserset").path("relation"), where, "tupleToUserset.computedUserset.relation"));
            case "union", "intersection" -> {
                JsonNode children = v.path("child");
                if (!children.isArray() || children.size() < 2) {
                    throw new ModelException(where + ": " + kind + " needs at least two children");
                }
                List<Userset> list = new ArrayList<>();
                for (JsonNode c : children) {
                    list.add(userset(c, where, depth + 1));
                }
                yield "union".equals(kind) ? new Userset.Union(list) : new Userset.Intersection(list);
            }
            case "difference" -> new Userset.Difference(userset(v.get("base"), where, depth + 1),
                    userset(v.get("subtract"), where, depth + 1));
            default -> throw new ModelException(where + ": unknown rewrite '" + kind + "'");
        };
    }

    private static String required(JsonNode node, String where, String field) {
        String s = node.asText("");
        if (s.isEmpty()) {
            throw new ModelException(where + ": " + field + " is required");
        }
        return s;
    }

    private static void validate(Map<String, TypeDef> types, Map<String, Condition> conditions, TypeDef t,
                                 String relation, Userset u) {
        String where = "type '" + t.name() + "' relation '" + relation + "'";
        switch (u) {
            case Userset.This ignored -> {
                List<RelationRef> refs = t.directTypes(relation);
                if (refs.isEmpty()) {
                    throw new ModelException(where + ": a direct assignment needs at least one type restriction "
                            + "(metadata.relations." + relation + ".directly_related_user_types)");
                }
                for (RelationRef ref : refs) {
                    TypeDef target = types.get(ref.type());
                    if (target == null) {
                        throw new ModelException(where + ": type restriction '" + ref + "' names undefined type '" + ref.type() + "'");
                    }
                    if (ref.relation() != null && !target.relations().containsKey(ref.relation())) {
                        throw new ModelException(where + ": type restriction '" + ref + "' names undefined relation '"
                                + ref.relation() + "' of type '" + ref.type() + "'");
                    }
                    if (ref.condition() != null && !conditions.containsKey(ref.condition())) {
                        throw new ModelException(where + ": type restriction '" + ref + "' names undefined condition '"
                                + ref.condition() + "'");
                    }
                }
            }
            case Userset.Computed c -> {
                if (!t.relations().containsKey(c.relation())) {
                    throw new ModelException(where + ": computed relation '" + c.relation() + "' is not defined on type '"
                            + t.name() + "'");
                }
            }
            case Userset.TupleToUserset x -> validateTupleToUserset(types, t, where, x);
            case Userset.Union un -> un.children().forEach(c -> validate(types, conditions, t, relation, c));
            case Userset.Intersection in -> in.children().forEach(c -> validate(types, conditions, t, relation, c));
            case Userset.Difference d -> {
                validate(types, conditions, t, relation, d.base());
                validate(types, conditions, t, relation, d.subtract());
            }
        }
    }

    private static void validateTupleToUserset(Map<String, TypeDef> types, TypeDef t, String where, Userset.TupleToUserset x) {
        Userset tupleset = t.relations().get(x.tupleset());
        if (tupleset == null) {
            throw new ModelException(where + ": tupleset relation '" + x.tupleset() + "' is not defined on type '" + t.name() + "'");
        }
        if (!(tupleset instanceof Userset.This)) {
            throw new ModelException(where + ": tupleset relation '" + x.tupleset() + "' must be directly assignable only");
        }
        boolean found = false;
        for (RelationRef ref : t.directTypes(x.tupleset())) {
            if (ref.relation() != null || ref.wildcard()) {
                throw new ModelException(where + ": tupleset relation '" + x.tupleset() + "' may not allow '" + ref
                        + "' (only plain object types)");
            }
            TypeDef target = types.get(ref.type());
            found |= target != null && target.relations().containsKey(x.computed());
        }
        if (!found) {
            throw new ModelException(where + ": relation '" + x.computed() + "' is not defined on any type allowed in '"
                    + x.tupleset() + "'");
        }
    }

    /** {@code define a: b} and {@code define b: a} can never be satisfied: reject them (OpenFGA: no entrypoint). */
    private static void checkComputedCycles(TypeDef t) {
        for (String start : t.relations().keySet()) {
            Set<String> seen = new HashSet<>();
            String current = start;
            while (t.relations().get(current) instanceof Userset.Computed c) {
                if (!seen.add(current)) {
                    throw new ModelException("type '" + t.name() + "' relation '" + start
                            + "': computed relations form a cycle with no direct assignment");
                }
                current = c.relation();
            }
        }
    }

    private static void checkName(String name, int max, String what) {
        if (name.isEmpty() || name.length() > max) {
            throw new ModelException(what + " '" + name + "' must be 1.." + max + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ':' || c == '#' || c == '@' || c == '*' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new ModelException(what + " '" + name + "' may not contain ':', '#', '@', '*' or whitespace");
            }
        }
    }
}
