package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.policy.api.spi.TupleSource;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.PlatformEvent;
import dev.aegis.store.api.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization engine of one node: stores and models in the database, tuples in an in-memory snapshot
 * kept current from the change log, and the check / expand / list evaluations over it. Thread-safe.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** How long "the newest model of a store" is cached when a request names no model id. */
    private static final long LATEST_MODEL_TTL_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final JdbcTupleStore db;
    private final JdbcCatalog catalog;
    private final AuthzSettings settings;
    private final Clock clock;
    private final Snapshots snapshots;
    private final List<TupleSource> sources;
    private final Map<String, AuthzModel> models = new ConcurrentHashMap<>();
    private final Map<String, Object[]> latestModel = new ConcurrentHashMap<>();
    private final Map<String, Object[]> knownStores = new ConcurrentHashMap<>();
    private final ExecutorService branches = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore branchPermits;
    private final ScheduledExecutorService poller;
    private final EventBus.Subscription subscription;

    /**
     * @param events the platform event bus: writes announce {@code authz.changed} on it, and other nodes'
     *               announcements make this node catch up at once instead of at its next poll; may be {@code null}
     */
    public Engine(Store store, EventBus events, AuthzSettings settings, Clock clock, List<TupleSource> sources) {
        this.db = new JdbcTupleStore(store, events);
        this.catalog = new JdbcCatalog(store);
        this.settings = settings;
        this.clock = clock;
        this.sources = List.copyOf(sources);
        this.branchPermits = new Semaphore(settings.maxParallelBranches());
        List<String> ids = new ArrayList<>();
        String after = "";
        for (List<StoreInfo> page = catalog.listStores(after, 1000); !page.isEmpty(); page = catalog.listStores(after, 1000)) {
            for (StoreInfo s : page) {
                ids.add(s.id());
                after = s.id();
            }
        }
        this.snapshots = new Snapshots(db, ids, settings.decisionCacheSize());
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("authz-changes").factory());
        long period = settings.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, period, period, TimeUnit.MILLISECONDS);
        this.subscription = events == null ? null
                : events.subscribe(JdbcTupleStore.TOPIC, events.latestSequence(), this::onChanged);
        LOG.atInfo().addKeyValue("stores", ids.size()).addKeyValue("seq", snapshots.current().seq())
                .log("authorization engine started");
    }

    /** Event listener: must be quick, so the catch-up runs on the poller thread. */
    private void onChanged(PlatformEvent event) {
        String token = event.attributes().get("consistency_token");
        try {
            if (token != null && Consistency.parseToken(token) > snapshots.current().seq()) {
                poller.execute(this::poll);
            }
        } catch (RuntimeException e) {
            LOG.atDebug().addKeyValue("event", event.sequence()).log("ignored a malformed authz.changed event");
        }
    }

    private void poll() {
        try {
            snapshots.catchUp(Long.MAX_VALUE);
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("error", e.toString()).log("authz change log poll failed");
        }
    }

    public JdbcTupleStore db() {
        return db;
    }

    public JdbcCatalog catalog() {
        return catalog;
    }

    public AuthzSettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    /** The sequence of the current snapshot: what a minimize-latency read reflects. */
    public long currentToken() {
        return snapshots.current().seq();
    }

    /** Makes the snapshot reflect every change committed anywhere up to now. */
    public void refresh() {
        snapshots.latest();
    }

    /** Rebuilds a store's index from its table (after a bulk load). */
    public void reload(String storeId) {
        snapshots.reload(storeId);
    }

    // ---- stores and models ---------------------------------------------------------------------------------

    public StoreInfo createStore(String name) {
        StoreInfo s = catalog.createStore(name, clock.instant());
        snapshots.addStore(s.id());
        return s;
    }

    /** The store, from a short-lived cache (a check must not cost a query to learn that its store exists). */
    public StoreInfo store(String storeId) {
        if (!Ulid.isValid(storeId)) {
            throw new InvalidInputException("invalid store_id");
        }
        Object[] cached = knownStores.get(storeId);
        if (cached != null && System.nanoTime() - (long) cached[1] < LATEST_MODEL_TTL_NANOS) {
            return (StoreInfo) cached[0];
        }
        StoreInfo s = catalog.findStore(storeId).orElseThrow(() -> new NotFoundException("store_id_not_found", "store_id not found"));
        knownStores.put(storeId, new Object[] {s, System.nanoTime()});
        return s;
    }

    public void deleteStore(String storeId) {
        store(storeId);
        catalog.deleteStore(storeId, clock.instant());
        knownStores.remove(storeId);
        latestModel.remove(storeId);
    }

    public String writeModel(String storeId, JsonNode body) {
        store(storeId);
        String id = Ulid.next(clock.millis());
        AuthzModel model = ModelParser.parse(id, body);
        catalog.insertModel(storeId, model, clock.instant());
        models.put(storeId + '/' + id, model);
        latestModel.put(storeId, new Object[] {model, System.nanoTime()});
        return id;
    }

    /** The named model, or the store's newest when {@code modelId} is null or empty. */
    public AuthzModel model(String storeId, String modelId) {
        if (modelId == null || modelId.isEmpty()) {
            Object[] cached = latestModel.get(storeId);
            if (cached != null && System.nanoTime() - (long) cached[1] < LATEST_MODEL_TTL_NANOS) {
                return (AuthzModel) cached[0];
            }
            store(storeId);
            String[] row = catalog.findModel(storeId, null).orElseThrow(() -> new NotFoundException(
                    "latest_authorization_model_not_found", "No authorization models found for store '" + storeId + "'"));
            AuthzModel m = parseStored(storeId, row);
            latestModel.put(storeId, new Object[] {m, System.nanoTime()});
            return m;
        }
        if (!Ulid.isValid(modelId)) {
            throw new InvalidInputException("authorization_model_not_found", "invalid authorization_model_id");
        }
        // keyed by store too: a model id of another store is "not found" here
        AuthzModel m = models.get(storeId + '/' + modelId);
        if (m != null) {
            return m;
        }
        String[] row = catalog.findModel(storeId, modelId).orElseThrow(() -> new InvalidInputException(
                "authorization_model_not_found", "Authorization Model '" + modelId + "' not found"));
        return parseStored(storeId, row);
    }

    private AuthzModel parseStored(String storeId, String[] row) {
        return models.computeIfAbsent(storeId + '/' + row[0], key -> {
            String id = row[0];
            try {
                return ModelParser.parse(id, ModelParser.JSON.readTree(row[1]));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("stored model " + id + " is not JSON", e);
            }
        });
    }

    // ---- writes --------------------------------------------------------------------------------------------

    /** Validates every tuple against the model, applies the write atomically and returns its consistency token. */
    public long write(String storeId, AuthzModel model, WritePlan plan) {
        int total = plan.writes().size() + plan.deletes().size();
        if (total == 0) {
            throw new InvalidInputException("a write needs at least one tuple in writes or deletes");
        }
        if (total > settings.maxTuplesPerWrite()) {
            throw new InvalidInputException("The number of write operations exceeds the allowed limit of "
                    + settings.maxTuplesPerWrite());
        }
        Set<Tuple> seen = new java.util.HashSet<>();
        for (Tuple t : plan.writes()) {
            TupleValidation.check(model, t, true);
            if (!seen.add(t)) {
                throw new InvalidInputException("write_failed_due_to_invalid_input", "duplicate tuple in write: " + t.keyOnly());
            }
        }
        for (Tuple t : plan.deletes()) {
            if (!seen.add(t)) {
                throw new InvalidInputException("write_failed_due_to_invalid_input", "duplicate tuple in write: " + t.keyOnly());
            }
        }
        JdbcTupleStore.WriteOutcome outcome = db.write(storeId, plan, clock.instant());
        snapshots.applyLocal(outcome.changes());
        return outcome.token();
    }

    // ---- reads ---------------------------------------------------------------------------------------------

    public Snapshots.Snapshot snapshot(Consistency c) {
        if (c.full()) {
            return snapshots.latest();
        }
        if (c.atLeast() > 0) {
            Snapshots.Snapshot s = snapshots.atLeast(c.atLeast());
            if (s.seq() < c.atLeast()) {
                throw new InvalidInputException("consistency_token is newer than every committed change");
            }
            return s;
        }
        return snapshots.current();
    }

    /** The view of one request: the snapshot's tuples plus contextual tuples and those of the tuple sources. */
    TupleView view(Snapshots.Snapshot s, String storeId, AuthzModel model, List<Tuple> contextual, String user) {
        List<Tuple> extra = contextual;
        if (!sources.isEmpty() && user != null) {
            extra = new ArrayList<>(contextual);
            for (TupleSource source : sources) {
                for (String[] t : source.tuplesFor(storeId, user)) {
                    try {
                        Tuple tuple = TupleKeys.parse(t[0], t[1], t[2], null, null);
                        TupleValidation.check(model, tuple, false);
                        extra.add(tuple);
                    } catch (RuntimeException e) {
                        LOG.atDebug().addKeyValue("source", source.getClass().getName())
                                .addKeyValue("error", e.getMessage()).log("tuple source gave an invalid tuple");
                    }
                }
            }
        }
        return s.store(storeId).withContextual(extra);
    }

    /** The outcome of a check: the decision, the snapshot it was taken on and, when asked, why. */
    public record CheckOutcome(boolean allowed, long token, Trace trace, boolean cached) { }

    /** Which decisions of a check come with a {@link Trace}. */
    public enum Explain {
        /** none: the plain, cheapest evaluation */
        NONE,
        /** denials only, in the short form of an audit record ({@link Trace#AUDIT_NODES} steps) */
        DENIALS,
        /** every decision, in full ({@code explain} requested by the caller) */
        ALL
    }

    public CheckOutcome check(String storeId, AuthzModel model, Tuple key, List<Tuple> contextual, JsonNode context,
                              Consistency consistency, boolean explain) {
        return check(storeId, model, key, contextual, context, consistency, explain ? Explain.ALL : Explain.NONE);
    }

    public CheckOutcome check(String storeId, AuthzModel model, Tuple key, List<Tuple> contextual, JsonNode context,
                              Consistency consistency, Explain explain) {
        TupleValidation.checkQuery(model, key.objectType(), key.relation(), key.userType(), key.userRelation());
        validateContextual(model, contextual);
        Snapshots.Snapshot s = snapshot(consistency);
        UserRef user = UserRef.of(key.userType(), key.userId(), key.userRelation());
        boolean traceAll = explain == Explain.ALL;
        boolean cacheable = !traceAll && contextual.isEmpty() && sources.isEmpty() && settings.decisionCacheSize() > 0;
        String cacheKey = null;
        if (cacheable) {
            cacheKey = storeId + '|' + model.id() + '|' + key.objectType() + ':' + key.objectId() + '#' + key.relation()
                    + '@' + user.key() + (context == null || context.isEmpty() ? "" : "|" + context);
            Boolean hit = s.decisions().get(cacheKey);
            if (hit != null && (hit || explain == Explain.NONE)) {
                return new CheckOutcome(hit, s.seq(), null, true);
            }
        }
        TupleView view = view(s, storeId, model, contextual, user.userset() ? null : user.key());
        CheckEvaluator ev = new CheckEvaluator(model, view, context, settings.maxDepth(), settings.maxResolutions(),
                settings.parallelUnions() && !traceAll ? branches : null, branchPermits);
        Trace trace = traceAll ? Trace.root(rootStep(key, user)) : null;
        boolean allowed = ev.check(key.objectType(), key.objectId(), key.relation(), user, trace);
        if (!allowed && explain == Explain.DENIALS) {
            // the first steps again, traced; the same evaluator answers the rest from its memo of the first pass
            trace = Trace.forAudit(rootStep(key, user));
            ev.check(key.objectType(), key.objectId(), key.relation(), user, trace);
        }
        if (trace != null) {
            Trace.set(trace, allowed, null);
        }
        if (cacheable) {
            snapshots.remember(s, cacheKey, allowed);
        }
        return new CheckOutcome(allowed, s.seq(), trace, false);
    }

    private static String rootStep(Tuple key, UserRef user) {
        return key.object() + "#" + key.relation() + "@" + user.key();
    }

    public record ListOutcome<T>(Set<T> results, long token) { }

    public ListOutcome<String> listObjects(String storeId, AuthzModel model, String type, String relation, UserRef user,
                                           List<Tuple> contextual, JsonNode context, Consistency consistency) {
        TupleValidation.checkQuery(model, type, relation, user.type(), user.relation());
        validateContextual(model, contextual);
        Snapshots.Snapshot s = snapshot(consistency);
        TupleView view = view(s, storeId, model, contextual, user.userset() ? null : user.key());
        CheckEvaluator ev = new CheckEvaluator(model, view, context, settings.maxDepth(),
                settings.maxResolutions(), null, branchPermits);
        ListEvaluator list = new ListEvaluator(model, view, settings.maxListVisited());
        Set<String> ids = list.listObjects(type, relation, user, id -> ev.check(type, id, relation, user, null),
                settings.maxListResults());
        return new ListOutcome<>(ids, s.seq());
    }

    public ListOutcome<UserRef> listUsers(String storeId, AuthzModel model, String type, String id, String relation,
                                          String filterType, String filterRelation, List<Tuple> contextual,
                                          JsonNode context, Consistency consistency) {
        TupleValidation.checkQuery(model, type, relation, filterType, filterRelation);
        validateContextual(model, contextual);
        Snapshots.Snapshot s = snapshot(consistency);
        TupleView view = view(s, storeId, model, contextual, null);
        CheckEvaluator ev = new CheckEvaluator(model, view, context, settings.maxDepth(),
                settings.maxResolutions(), null, branchPermits);
        ListEvaluator list = new ListEvaluator(model, view, settings.maxListVisited());
        Set<UserRef> users = list.listUsers(type, id, relation, filterType, filterRelation,
                u -> ev.check(type, id, relation, u, null), settings.maxListResults());
        return new ListOutcome<>(users, s.seq());
    }

    public Expansion.Result expand(String storeId, AuthzModel model, String type, String id, String relation,
                                   List<Tuple> contextual, Consistency consistency) {
        TupleValidation.checkQuery(model, type, relation, null, null);
        validateContextual(model, contextual);
        Snapshots.Snapshot s = snapshot(consistency);
        return new Expansion.Result(Expansion.tree(model, view(s, storeId, model, contextual, null), type, id, relation),
                s.seq());
    }

    private void validateContextual(AuthzModel model, List<Tuple> contextual) {
        if (contextual.size() > settings.maxContextualTuples()) {
            throw new InvalidInputException("at most " + settings.maxContextualTuples() + " contextual tuples are allowed");
        }
        for (Tuple t : contextual) {
            TupleValidation.check(model, t, true);
        }
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
        poller.shutdownNow();
        branches.shutdownNow();
    }
}
