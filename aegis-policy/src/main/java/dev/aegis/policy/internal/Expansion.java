package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenFGA's Expand: the userset tree of one {@code object#relation}, one level deep (leaves name the usersets to
 * expand next), in the JSON shape of {@code ExpandResponse.tree}. Stateless.
 */
public final class Expansion {
    private Expansion() {
    }

    /** The tree and the snapshot sequence it was read from. */
    public record Result(ObjectNode tree, long token) { }

    static ObjectNode tree(AuthzModel model, TupleView view, String type, String id, String relation) {
        ObjectNode tree = ModelParser.JSON.createObjectNode();
        tree.set("root", node(model, view, type, id, relation, model.rewrite(type, relation)));
        return tree;
    }

    private static ObjectNode node(AuthzModel model, TupleView view, String type, String id, String relation, Userset u) {
        ObjectNode n = ModelParser.JSON.createObjectNode();
        String name = type + ":" + id + "#" + relation;
        n.put("name", name);
        switch (u) {
            case Userset.This ignored -> {
                ArrayNode users = n.putObject("leaf").putObject("users").putArray("users");
                TupleIndex.Entry e = view.forward(TupleView.objectKey(type, id, relation));
                if (e != null) {
                    for (Tuple t : e.directTuples()) {
                        users.add(t.user());
                    }
                    for (Tuple t : e.usersets()) {
                        users.add(t.user());
                    }
                }
            }
            case Userset.Computed c -> n.putObject("leaf").putObject("computed").put("userset", type + ":" + id + "#" + c.relation());
            case Userset.TupleToUserset x -> {
                ObjectNode ttu = n.putObject("leaf").putObject("tupleToUserset");
                ttu.put("tupleset", type + ":" + id + "#" + x.tupleset());
                ArrayNode computed = ttu.putArray("computed");
                TupleIndex.Entry e = view.forward(TupleView.objectKey(type, id, x.tupleset()));
                if (e != null) {
                    for (Tuple t : e.directTuples()) {
                        if (model.rewrite(t.userType(), x.computed()) != null) {
                            computed.addObject().put("userset", t.userType() + ":" + t.userId() + "#" + x.computed());
                        }
                    }
                }
            }
            case Userset.Union un -> {
                ArrayNode nodes = n.putObject("union").putArray("nodes");
                un.children().forEach(c -> nodes.add(node(model, view, type, id, relation, c)));
            }
            case Userset.Intersection in -> {
                ArrayNode nodes = n.putObject("intersection").putArray("nodes");
                in.children().forEach(c -> nodes.add(node(model, view, type, id, relation, c)));
            }
            case Userset.Difference d -> {
                ObjectNode diff = n.putObject("difference");
                diff.set("base", node(model, view, type, id, relation, d.base()));
                diff.set("subtract", node(model, view, type, id, relation, d.subtract()));
            }
        }
        return n;
    }
}
