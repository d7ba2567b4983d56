package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Evaluates one check over an immutable tuple view: the userset rewrites of the model applied recursively
 * (Zanzibar §2.3.1), with
 * <ul>
 *   <li>cycle detection: a {@code object#relation@user} already on the current path evaluates to "no" there
 *       (it can add nothing the path does not already try), so cyclic models and tuples terminate;</li>
 *   <li>a depth limit: more than {@code maxDepth} nested resolutions throws
 *       {@link ResolutionTooComplexException} instead of recursing on, so the stack stays bounded, and a budget
 *       of resolutions per check, so a graph of many paths cannot pin a CPU;</li>
 *   <li>type restrictions re-checked on every tuple (a tuple the current model no longer admits grants nothing);</li>
 *   <li>conditions evaluated in CEL over the tuple's context and the request's (a missing parameter denies);</li>
 *   <li>union branches of the top levels evaluated concurrently on virtual threads, bounded by a semaphore
 *       shared by all checks (when no permit is free the branch runs inline).</li>
 * </ul>
 * One instance per request; not thread-safe itself, but its concurrent branches only read shared immutable state.
 */
final class CheckEvaluator {
    /** Only union branches this close to the root fan out: deeper ones are cheaper inline than a thread handoff. */
    private static final int PARALLEL_DEPTH = 2;

    private final AuthzModel model;
    private final TupleView view;
    private final JsonNode context;
    private final int maxDepth;
    private final ExecutorService executor;
    private final Semaphore permits;
    /** Resolutions left for this check: a graph of diamonds is exponential in paths, not in depth. */
    private final java.util.concurrent.atomic.AtomicInteger budget;
    private final int maxResolutions;
    /**
     * Results of {@code object#relation} for {@link #memoUser} already resolved in this check (Drive-style models
     * reach the same folder relation through several rewrites). A "yes" is valid wherever it was found; a "no" only when no
     * cycle was cut while computing it (a cut depends on the path), which {@link #cycleCuts} tells.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> memo = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger cycleCuts = new java.util.concurrent.atomic.AtomicInteger();
    /** The user the memo holds results for; set by {@link #check} before any branch runs. */
    private UserRef memoUser;

    CheckEvaluator(AuthzModel model, TupleView view, JsonNode context, int maxDepth, int maxResolutions,
                   ExecutorService executor, Semaphore permits) {
        this.maxResolutions = maxResolutions;
        this.budget = new java.util.concurrent.atomic.AtomicInteger(maxResolutions);
        this.model = model;
        this.view = view;
        this.context = context;
        this.maxDepth = maxDepth;
        this.executor = executor;
        this.permits = permits;
    }

    /**
     * Path of {@code type:id#relation} keys being resolved, for cycle detection (the user is the same throughout
     * a check). The head's key is that of the relation {@link #eval} is evaluating, which {@link #direct} looks up.
     */
    private record Path(String key, Path parent) {
        boolean contains(String k) {
            for (Path p = this; p != null; p = p.parent) {
                if (p.key.equals(k)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One check; each call has the full resolution budget, while memoised results carry over (same snapshot). */
    boolean check(String type, String id, String relation, UserRef user, Trace trace) {
        budget.set(maxResolutions);
        if (!user.equals(memoUser)) { // memo keys leave the user out: they hold for one user
            memo.clear();
            memoUser = user;
        }
        return resolve(type, id, relation, user, 0, null, trace);
    }

    private boolean resolve(String type, String id, String relation, UserRef user, int depth, Path path, Trace parent) {
        String key = TupleView.objectKey(type, id, relation); // memo, cycle and index key, one string
        Trace t = Trace.open(parent) ? parent.child(key) : null;
        if (budget.decrementAndGet() < 0) {
            throw new ResolutionTooComplexException("the check needed more than " + maxResolutions + " resolutions");
        }
        if (depth >= maxDepth) {
            throw new ResolutionTooComplexException("resolution of " + type + ":" + id + "#" + relation
                    + " exceeded the depth limit of " + maxDepth);
        }
        Userset rewrite = model.rewrite(type, relation);
        if (rewrite == null) {
            return t != null && Trace.set(t, false, "relation not defined on type " + type);
        }
        if (path != null && path.contains(key)) {
            cycleCuts.incrementAndGet();
            return Trace.set(t, false, "cycle");
        }
        if (t == null) {
            Boolean known = memo.get(key);
            if (known != null) {
                return known;
            }
        }
        int cutsBefore = cycleCuts.get();
        boolean granted = eval(rewrite, type, id, relation, user, depth + 1, new Path(key, path), t);
        if (granted || cycleCuts.get() == cutsBefore) {
            memo.put(key, granted);
        }
        return Trace.set(t, granted, null);
    }

    private boolean eval(Userset u, String type, String id, String relation, UserRef user, int depth, Path path, Trace t) {
        return switch (u) {
            case Userset.This ignored -> direct(type, id, relation, user, depth, path, t);
            case Userset.Computed c -> resolve(type, id, c.relation(), user, depth, path, t);
            case Userset.TupleToUserset x -> tupleToUserset(type, id, x, user, depth, path, t);
            case Userset.Union un -> union(un.children(), type, id, relation, user, depth, path, t);
            case Userset.Intersection in -> intersection(in.children(), type, id, relation, user, depth, path, t);
            case Userset.Difference d -> difference(d, type, id, relation, user, depth, path, t);
        };
    }

    private boolean direct(String type, String id, String relation, UserRef user, int depth, Path path, Trace parent) {
        Trace t = Trace.child(parent, "direct");
        TupleIndex.Entry entry = view.forward(path.key()); // = objectKey(type, id, relation), see Path
        if (entry == null) {
            return Trace.set(t, false, "no tuples");
        }
        List<RelationRef> allowed = model.type(type).directTypes(relation);
        if (!user.userset()) {
            if (grants(entry.direct(user.key()), allowed, t)) {
                return Trace.set(t, true, null);
            }
            if (!user.wildcard() && grants(entry.direct(user.type() + ":*"), allowed, t)) {
                return Trace.set(t, true, null);
            }
        }
        ResolutionTooComplexException deferred = null;
        for (Tuple s : entry.usersets()) {
            if (!admitted(s, allowed)) {
                continue;
            }
            if (user.userset() && s.userType().equals(user.type()) && s.userId().equals(user.id())
                    && s.userRelation().equals(user.relation())) {
                if (grants(s, allowed, t)) {
                    return Trace.set(t, true, null);
                }
                continue;
            }
            Trace st = Trace.open(t) ? t.child("via " + s) : null;
            if (!conditionHolds(s, st)) {
                continue;
            }
            try {
                if (Trace.set(st, resolve(s.userType(), s.userId(), s.userRelation(), user, depth, path, st), null)) {
                    return Trace.set(t, true, null);
                }
            } catch (ResolutionTooComplexException e) {
                deferred = e;
            }
        }
        if (deferred != null) {
            throw deferred;
        }
        return Trace.set(t, false, null);
    }

    private boolean tupleToUserset(String type, String id, Userset.TupleToUserset x, UserRef user, int depth, Path path,
                                   Trace parent) {
        Trace t = Trace.open(parent) ? parent.child(x.computed() + " from " + x.tupleset()) : null;
        TupleIndex.Entry entry = view.forward(TupleView.objectKey(type, id, x.tupleset()));
        if (entry == null) {
            return t != null && Trace.set(t, false, "no " + x.tupleset() + " tuples");
        }
        List<RelationRef> allowed = model.type(type).directTypes(x.tupleset());
        ResolutionTooComplexException deferred = null;
        for (Tuple p : entry.directTuples()) {
            if (p.wildcard() || !admitted(p, allowed) || model.rewrite(p.userType(), x.computed()) == null) {
                continue;
            }
            Trace pt = Trace.open(t) ? t.child("via " + p) : null;
            if (!conditionHolds(p, pt)) {
                continue;
            }
            try {
                if (Trace.set(pt, resolve(p.userType(), p.userId(), x.computed(), user, depth, path, pt), null)) {
                    return Trace.set(t, true, null);
                }
            } catch (ResolutionTooComplexException e) {
                deferred = e;
            }
        }
        if (deferred != null) {
            throw deferred;
        }
        return Trace.set(t, false, null);
    }

    private boolean union(List<Userset> children, String type, String id, String relation, UserRef user, int depth,
                          Path path, Trace parent) {
        Trace t = Trace.child(parent, "union");
        if (parent == null && executor != null && depth <= PARALLEL_DEPTH && children.size() > 1) {
            return parallelUnion(children, type, id, relation, user, depth, path);
        }
        ResolutionTooComplexException deferred = null;
        for (Userset c : children) {
            try {
                if (eval(c, type, id, relation, user, depth, path, t)) {
                    return Trace.set(t, true, null);
                }
            } catch (ResolutionTooComplexException e) {
                deferred = e;
            }
        }
        if (deferred != null) {
            throw deferred;
        }
        return Trace.set(t, false, null);
    }

    private boolean parallelUnion(List<Userset> children, String type, String id, String relation, UserRef user,
                                  int depth, Path path) {
        ExecutorCompletionService<Boolean> done = new ExecutorCompletionService<>(executor);
        List<Future<Boolean>> submitted = new ArrayList<>(children.size());
        List<Userset> inline = new ArrayList<>(1);
        for (int i = 1; i < children.size(); i++) {
            Userset c = children.get(i);
            if (permits.tryAcquire()) {
                submitted.add(done.submit(() -> {
                    try {
                        return eval(c, type, id, relation, user, depth, path, null);
                    } finally {
                        permits.release();
                    }
                }));
            } else {
                inline.add(c);
            }
        }
        ResolutionTooComplexException deferred = null;
        try {
            try {
                if (eval(children.get(0), type, id, relation, user, depth, path, null)) {
                    return true;
                }
            } catch (ResolutionTooComplexException e) {
                deferred = e;
            }
            for (Userset c : inline) {
                try {
                    if (eval(c, type, id, relation, user, depth, path, null)) {
                        return true;
                    }
                } catch (ResolutionTooComplexException e) {
                    deferred = e;
                }
            }
            for (int i = 0; i < submitted.size(); i++) {
                try {
                    if (done.take().get()) {
                        return true;
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof ResolutionTooComplexException r) {
                        deferred = r;
                    } else if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    } else {
                        throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("check interrupted", e);
        } finally {
            for (Future<Boolean> f : submitted) {
                f.cancel(true);
            }
        }
        if (deferred != null) {
            throw deferred;
        }
        return false;
    }

    private boolean intersection(List<Userset> children, String type, String id, String relation, UserRef user, int depth,
                                 Path path, Trace parent) {
        Trace t = Trace.child(parent, "intersection");
        ResolutionTooComplexException deferred = null;
        for (Userset c : children) {
            try {
                if (!eval(c, type, id, relation, user, depth, path, t)) {
                    return Trace.set(t, false, null);
                }
            } catch (ResolutionTooComplexException e) {
                deferred = e;
            }
        }
        if (deferred != null) {
            throw deferred;
        }
        return Trace.set(t, true, null);
    }

    private boolean difference(Userset.Difference d, String type, String id, String relation, UserRef user, int depth,
                               Path path, Trace parent) {
        Trace t = Trace.child(parent, "but not");
        if (!eval(d.base(), type, id, relation, user, depth, path, t)) {
            return Trace.set(t, false, "base does not grant");
        }
        Trace st = Trace.child(t, "excluded");
        boolean excluded = eval(d.subtract(), type, id, relation, user, depth, path, st);
        Trace.set(st, excluded, null);
        return Trace.set(t, !excluded, excluded ? "excluded" : null);
    }

    private boolean grants(Tuple tuple, List<RelationRef> allowed, Trace parent) {
        if (tuple == null || !admitted(tuple, allowed)) {
            return false;
        }
        Trace t = Trace.open(parent) ? parent.child("tuple " + tuple) : null;
        return Trace.set(t, conditionHolds(tuple, t), null);
    }

    /** The current model's type restrictions admit this tuple's user shape and condition. */
    private static boolean admitted(Tuple t, List<RelationRef> allowed) {
        boolean wildcard = t.wildcard();
        for (int i = 0; i < allowed.size(); i++) {
            if (allowed.get(i).admits(t.userType(), t.userRelation(), wildcard, t.conditionName())) {
                return true;
            }
        }
        return false;
    }

    private boolean conditionHolds(Tuple tuple, Trace t) {
        if (tuple.conditionName() == null) {
            return true;
        }
        Condition c = model.conditions().get(tuple.conditionName());
        if (c == null) {
            return t != null && Trace.set(t, false, "condition " + tuple.conditionName() + " is not in the model");
        }
        Condition.ConditionResult result = c.evaluate(tuple.context(), context);
        boolean met = result instanceof Condition.ConditionResult.Met;
        if (t != null) { // the words only for an explanation: a plain check allocates nothing here
            Trace.set(t, met, switch (result) {
                case Condition.ConditionResult.Met m -> "condition " + c.name() + " met";
                case Condition.ConditionResult.NotMet n -> "condition " + c.name() + " not met";
                case Condition.ConditionResult.Missing m -> "condition " + c.name() + " missing parameters " + m.parameters();
                case Condition.ConditionResult.Failed f -> "condition " + c.name() + " failed: " + f.reason();
            });
        }
        return met;
    }
}
