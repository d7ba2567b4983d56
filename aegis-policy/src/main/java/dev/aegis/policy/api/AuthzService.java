package dev.aegis.policy.api;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.policy.api.spi.TupleSource;
import dev.aegis.policy.internal.Consistency;
import dev.aegis.policy.internal.DecisionAudit;
import dev.aegis.policy.internal.DslModel;
import dev.aegis.policy.internal.Engine;
import dev.aegis.policy.internal.OpenFgaApi;
import dev.aegis.policy.internal.Tuple;
import dev.aegis.policy.internal.TupleKeys;
import dev.aegis.store.api.EventBus;
import dev.aegis.store.api.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Aegis authorization engine (issue 7): OpenFGA-compatible stores, models and relationship tuples in the
 * {@link Store}, checks answered from an in-memory snapshot kept current from the change log, decisions
 * audited through the {@link AuditLog}.
 *
 * <p>{@link #handle} serves the OpenFGA HTTP API (the server maps {@code /stores*} to it); the other methods are
 * for in-process callers (the gateway's authorization hook, benchmarks, imports). Thread-safe.
 */
public final class AuthzService implements AutoCloseable {
    private final Engine engine;
    private final OpenFgaApi api;

    private AuthzService(Engine engine, OpenFgaApi api) {
        this.engine = engine;
        this.api = api;
    }

    /**
     * Loads every store's tuples into memory and starts following the change log.
     *
     * @param audit   where decisions are audited, or {@code null} to audit nothing
     * @param events  the platform event bus ({@code authz.changed} is published on every write and followed
     *                for other nodes' writes), or {@code null}
     * @param sources tuple sources (identity bootstrapping), may be empty
     */
    public static AuthzService start(Store store, AuditLog audit, EventBus events, AuthzSettings settings, Clock clock,
                                     List<TupleSource> sources) {
        Objects.requireNonNull(store, "store");
        Engine engine = new Engine(store, events, settings, clock, sources);
        return new AuthzService(engine, new OpenFgaApi(engine, new DecisionAudit(audit, settings.auditAllowSampleRate())));
    }

    /**
     * Serves one OpenFGA API request.
     *
     * @param method      HTTP method
     * @param path        path below the listener root, starting with {@code /stores}
     * @param query       decoded query parameters
     * @param contentType the request's content type, or {@code null}
     * @param body        the request body (empty for none)
     * @param actor       the authenticated caller, for audit records
     * @param source      the caller's address
     */
    public AuthzReply handle(String method, String path, Map<String, String> query, String contentType, byte[] body,
                             String actor, String source) {
        return api.handle(method, path, query, contentType, body, actor, source);
    }

    /** An OpenFGA error reply ({@code {"code":..,"message":..}}), for the server's own refusals (401, 403, 413). */
    public static AuthzReply error(int status, String code, String message) {
        return OpenFgaApi.error(status, code, message);
    }

    /** Creates a store; returns its id. */
    public String createStore(String name) {
        return engine.createStore(name).id();
    }

    /** Writes a model in the DSL or JSON form; returns its id. */
    public String writeModel(String storeId, String model) {
        try {
            return engine.writeModel(storeId, DslModel.looksLikeDsl(model) ? DslModel.toJson(model)
                    : new com.fasterxml.jackson.databind.ObjectMapper().readTree(model));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the model is neither DSL nor JSON", e);
        }
    }

    /**
     * Inserts many unconditional tuples at once, bypassing the 100-tuple limit of the API (imports, benchmarks),
     * and makes the snapshot reflect them. Each tuple is {@code {object, relation, user}}.
     *
     * @return the consistency token after the load
     */
    public String bulkLoad(String storeId, List<String[]> tuples) {
        engine.store(storeId);
        List<Tuple> parsed = new ArrayList<>(tuples.size());
        for (String[] t : tuples) {
            parsed.add(TupleKeys.parse(t[0], t[1], t[2], null, null));
        }
        long token = 0;
        for (int i = 0; i < parsed.size(); i += 10_000) {
            token = engine.db().bulkInsert(storeId, parsed.subList(i, Math.min(i + 10_000, parsed.size())),
                    engine.clock().instant());
        }
        engine.reload(storeId);
        return Consistency.token(token);
    }

    /** An in-process check against the store's newest model and this node's current snapshot. */
    public boolean check(String storeId, String object, String relation, String user) {
        Tuple key = TupleKeys.parse(object, relation, user, null, null);
        return engine.check(storeId, engine.model(storeId, null), key, List.of(), null, Consistency.MINIMIZE_LATENCY, false)
                .allowed();
    }

    /** Lists the objects of {@code type} on which {@code user} has {@code relation} (in-process, newest model). */
    public java.util.Set<String> listObjects(String storeId, String type, String relation, String user) {
        return engine.listObjects(storeId, engine.model(storeId, null), type, relation,
                dev.aegis.policy.internal.UserRef.parse(user), List.of(), null, Consistency.MINIMIZE_LATENCY).results();
    }

    /** The consistency token of this node's current snapshot. */
    public String currentToken() {
        return Consistency.token(engine.currentToken());
    }

    @Override
    public void close() {
        engine.close();
    }
}
