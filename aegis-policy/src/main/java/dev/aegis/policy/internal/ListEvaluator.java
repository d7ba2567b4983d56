package dev.aegis.policy.internal;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * List-objects and list-users: first an over-approximating expansion over the tuple index (reverse from the
 * user for list-objects, forward from the object for list-users, ignoring intersections' other branches,
 * exclusions and conditions), then every candidate confirmed by a real check. Iterative with a visited set, so
 * cycles terminate, and bounded by {@code maxVisited} expansion nodes. One instance per request.
 */
final class ListEvaluator {
    private final AuthzModel model;
    private final TupleView view;
    private final int maxVisited;

    ListEvaluator(AuthzModel model, TupleView view, int maxVisited) {
        this.model = model;
        this.view = view;
        this.maxVisited = maxVisited;
    }

    /**
     * Ids of objects of {@code type} on which {@code user} may have {@code relation}, confirmed by {@code confirm},
     * at most {@code limit} of them.
     */
    Set<String> listObjects(String type, String relation, UserRef user, Predicate<String> confirm, int limit) {
        Set<String> visited = new HashSet<>();
        ArrayDeque<String[]> work = new ArrayDeque<>();
        Set<String> candidates = new LinkedHashSet<>();
        if (user.userset()) {
            offer(new String[] {user.type(), user.id(), user.relation()}, visited, work);
        }
        seedFromUser(user.key(), visited, work);
        if (!user.userset() && !user.wildcard()) {
            seedFromUser(user.type() + ":*", visited, work);
        }
        AuthzModel.ReverseEdges edges = model.reverseEdges();
        while (!work.isEmpty()) {
            String[] f = work.poll();
            if (f[0].equals(type) && f[2].equals(relation)) {
                candidates.add(f[1]);
            }
            // tuples whose user is the userset f[0]:f[1]#f[2]
            for (Tuple t : view.reverse(TupleView.userKey(f[0], f[1], f[2]))) {
                offer(new String[] {t.objectType(), t.objectId(), t.relation()}, visited, work);
            }
            List<String> computed = edges.computedFrom().get(f[0] + "#" + f[2]);
            if (computed != null) {
                for (String r : computed) {
                    offer(new String[] {f[0], f[1], r}, visited, work);
                }
            }
            List<String[]> through = edges.throughTupleset().get(f[0] + "#" + f[2]);
            if (through != null) {
                Tuple[] pointing = view.reverse(TupleView.userKey(f[0], f[1], ""));
                for (String[] edge : through) {
                    for (Tuple t : pointing) {
                        if (t.objectType().equals(edge[0]) && t.relation().equals(edge[2])) {
                            offer(new String[] {t.objectType(), t.objectId(), edge[1]}, visited, work);
                        }
                    }
                }
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (String id : candidates) {
            if (out.size() >= limit) {
                break;
            }
            if (confirm.test(id)) {
                out.add(id);
            }
        }
        return out;
    }

    private void seedFromUser(String userKey, Set<String> visited, ArrayDeque<String[]> work) {
        for (Tuple t : view.reverse(userKey)) {
            offer(new String[] {t.objectType(), t.objectId(), t.relation()}, visited, work);
        }
    }

    private void offer(String[] fact, Set<String> visited, ArrayDeque<String[]> work) {
        if (visited.add(fact[0] + ':' + fact[1] + '#' + fact[2])) {
            if (visited.size() > maxVisited) {
                throw new ResolutionTooComplexException("list expansion visited more than " + maxVisited + " nodes");
            }
            work.add(fact);
        }
    }

    /**
     * Users of {@code filterType} (with {@code filterRelation}, or plain users and wildcards when it is empty) that
     * may have {@code relation} on {@code type:id}, confirmed by {@code confirm}.
     */
    Set<UserRef> listUsers(String type, String id, String relation, String filterType, String filterRelation,
                           Predicate<UserRef> confirm, int limit) {
        Set<String> visited = new HashSet<>();
        ArrayDeque<String[]> work = new ArrayDeque<>();
        Set<UserRef> candidates = new LinkedHashSet<>();
        offer(new String[] {type, id, relation}, visited, work);
        while (!work.isEmpty()) {
            String[] f = work.poll();
            if (f[0].equals(filterType) && f[2].equals(filterRelation)) {
                candidates.add(UserRef.of(f[0], f[1], f[2]));
            }
            Userset rewrite = model.rewrite(f[0], f[2]);
            if (rewrite != null) {
                expand(rewrite, f, filterType, filterRelation, candidates, visited, work);
            }
        }
        Set<UserRef> out = new LinkedHashSet<>();
        for (UserRef u : candidates) {
            if (out.size() >= limit) {
                break;
            }
            if (confirm.test(u)) {
                out.add(u);
            }
        }
        return out;
    }

    private void expand(Userset u, String[] f, String filterType, String filterRelation, Set<UserRef> candidates,
                        Set<String> visited, ArrayDeque<String[]> work) {
        switch (u) {
            case Userset.This ignored -> {
                TupleIndex.Entry e = view.forward(TupleView.objectKey(f[0], f[1], f[2]));
                if (e == null) {
                    return;
                }
                if (filterRelation.isEmpty()) {
                    for (Tuple t : e.directTuples()) {
                        if (t.userType().equals(filterType)) {
                            candidates.add(UserRef.of(t.userType(), t.userId(), ""));
                        }
                    }
                }
                for (Tuple t : e.usersets()) {
                    offer(new String[] {t.userType(), t.userId(), t.userRelation()}, visited, work);
                }
            }
            case Userset.Computed c -> offer(new String[] {f[0], f[1], c.relation()}, visited, work);
            case Userset.TupleToUserset x -> {
                TupleIndex.Entry e = view.forward(TupleView.objectKey(f[0], f[1], x.tupleset()));
                if (e != null) {
                    for (Tuple t : e.directTuples()) {
                        offer(new String[] {t.userType(), t.userId(), x.computed()}, visited, work);
                    }
                }
            }
            case Userset.Union un -> un.children().forEach(c -> expand(c, f, filterType, filterRelation, candidates, visited, work));
            case Userset.Intersection in -> in.children().forEach(c -> expand(c, f, filterType, filterRelation, candidates, visited, work));
            case Userset.Difference d -> expand(d.base(), f, filterType, filterRelation, candidates, visited, work);
        }
    }
}
