package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.policy.api.AuthzReply;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The query endpoints of the OpenFGA API: check, batch-check, expand, list-objects, list-users. Thread-safe. */
final class CheckApi {
    private final Engine engine;
    private final DecisionAudit audit;

    CheckApi(Engine engine, DecisionAudit audit) {
        this.engine = engine;
        this.audit = audit;
    }

    AuthzReply check(String storeId, JsonNode req, OpenFgaApi.Caller caller) {
        AuthzModel model = engine.model(storeId, OpenFgaJson.text(req, "authorization_model_id"));
        Tuple key = OpenFgaJson.tupleKey(req.get("tuple_key"), false);
        List<Tuple> contextual = OpenFgaJson.contextual(req.get("contextual_tuples"), engine.settings().maxContextualTuples());
        JsonNode context = OpenFgaJson.context(req);
        boolean explain = req.path("explain").asBoolean(false);
        Engine.CheckOutcome r = engine.check(storeId, model, key, contextual, context, OpenFgaJson.consistency(req),
                explain ? Engine.Explain.ALL : audit.explains());
        auditDecision(caller, storeId, model, key, r);
        if (!explain) { // the common answer, written directly: no tree to build and serialise per check
            String token = Consistency.token(r.token());
            return new AuthzReply(200, (r.allowed() ? "{\"allowed\":true" : "{\"allowed\":false")
                    + ",\"resolution\":\"\",\"consistency_token\":\"" + token + "\"}", token);
        }
        ObjectNode out = OpenFgaJson.object();
        out.put("allowed", r.allowed());
        out.put("resolution", "");
        out.put("consistency_token", Consistency.token(r.token()));
        out.set("explain", r.trace().toJson());
        return OpenFgaApi.reply(200, out, r.token());
    }

    private void auditDecision(OpenFgaApi.Caller caller, String storeId, AuthzModel model, Tuple key, Engine.CheckOutcome r) {
        if (audit.wants(r.allowed())) {
            audit.record(caller.actor(), caller.source(), storeId, model.id(), key, r.allowed(), r.token(), r.trace());
        }
    }

    AuthzReply batchCheck(String storeId, JsonNode req, OpenFgaApi.Caller caller) {
        AuthzModel model = engine.model(storeId, OpenFgaJson.text(req, "authorization_model_id"));
        Consistency consistency = OpenFgaJson.consistency(req);
        JsonNode checks = req.get("checks");
        if (checks == null || !checks.isArray() || checks.isEmpty()) {
            throw new InvalidInputException("checks must be a non-empty array");
        }
        if (checks.size() > OpenFgaApi.MAX_BATCH_CHECKS) {
            throw new InvalidInputException("at most " + OpenFgaApi.MAX_BATCH_CHECKS + " checks are allowed in a batch");
        }
        Set<String> ids = new HashSet<>();
        ObjectNode out = OpenFgaJson.object();
        ObjectNode results = out.putObject("result");
        long token = -1;
        for (JsonNode item : checks) {
            String id = OpenFgaJson.required(item, "correlation_id");
            if (!ids.add(id)) {
                throw new InvalidInputException("duplicate correlation_id '" + TupleKeys.clip(id) + "'");
            }
            ObjectNode res = results.putObject(id);
            try {
                Tuple key = OpenFgaJson.tupleKey(item.get("tuple_key"), false);
                List<Tuple> contextual = OpenFgaJson.contextual(item.get("contextual_tuples"),
                        engine.settings().maxContextualTuples());
                JsonNode context = OpenFgaJson.context(item);
                Engine.CheckOutcome r = engine.check(storeId, model, key, contextual, context, consistency, audit.explains());
                auditDecision(caller, storeId, model, key, r);
                res.put("allowed", r.allowed());
                token = Math.max(token, r.token());
            } catch (InvalidInputException | ResolutionTooComplexException e) {
                res.put("allowed", false);
                ObjectNode err = res.putObject("error");
                err.put("input_error", e instanceof InvalidInputException ? "validation_error"
                        : "authorization_model_resolution_too_complex");
                err.put("message", e.getMessage());
            }
        }
        if (token >= 0) {
            out.put("consistency_token", Consistency.token(token));
        }
        return OpenFgaApi.reply(200, out, token);
    }

    AuthzReply expand(String storeId, JsonNode req) {
        AuthzModel model = engine.model(storeId, OpenFgaJson.text(req, "authorization_model_id"));
        JsonNode key = req.get("tuple_key");
        if (key == null || !key.isObject()) {
            throw new InvalidInputException("tuple_key is required");
        }
        String[] o = TupleKeys.object(OpenFgaJson.text(key, "object"));
        String relation = TupleKeys.relation(OpenFgaJson.text(key, "relation"));
        Expansion.Result r = engine.expand(storeId, model, o[0], o[1], relation,
                OpenFgaJson.contextual(req.get("contextual_tuples"), engine.settings().maxContextualTuples()),
                OpenFgaJson.consistency(req));
        ObjectNode out = OpenFgaJson.object();
        out.set("tree", r.tree());
        out.put("consistency_token", Consistency.token(r.token()));
        return OpenFgaApi.reply(200, out, r.token());
    }

    AuthzReply listObjects(String storeId, JsonNode req) {
        AuthzModel model = engine.model(storeId, OpenFgaJson.text(req, "authorization_model_id"));
        String type = OpenFgaJson.required(req, "type");
        String relation = TupleKeys.relation(OpenFgaJson.text(req, "relation"));
        UserRef user = UserRef.parse(OpenFgaJson.text(req, "user"));
        Engine.ListOutcome<String> r = engine.listObjects(storeId, model, type, relation, user,
                OpenFgaJson.contextual(req.get("contextual_tuples"), engine.settings().maxContextualTuples()),
                OpenFgaJson.context(req), OpenFgaJson.consistency(req));
        ObjectNode out = OpenFgaJson.object();
        ArrayNode objects = out.putArray("objects");
        for (String id : r.results()) {
            objects.add(type + ":" + id);
        }
        out.put("consistency_token", Consistency.token(r.token()));
        return OpenFgaApi.reply(200, out, r.token());
    }

    AuthzReply listUsers(String storeId, JsonNode req) {
        AuthzModel model = engine.model(storeId, OpenFgaJson.text(req, "authorization_model_id"));
        JsonNode object = req.get("object");
        if (object == null || !object.isObject()) {
            throw new InvalidInputException("object is required ({\"type\":...,\"id\":...})");
        }
        String[] o = TupleKeys.object(OpenFgaJson.required(object, "type") + ":" + OpenFgaJson.required(object, "id"));
        String relation = TupleKeys.relation(OpenFgaJson.text(req, "relation"));
        JsonNode filters = req.get("user_filters");
        if (filters == null || !filters.isArray() || filters.size() != 1) {
            throw new InvalidInputException("user_filters must have exactly one entry");
        }
        String filterType = OpenFgaJson.required(filters.get(0), "type");
        String filterRelation = OpenFgaJson.text(filters.get(0), "relation");
        Engine.ListOutcome<UserRef> r = engine.listUsers(storeId, model, o[0], o[1], relation, filterType,
                filterRelation == null ? "" : filterRelation,
                OpenFgaJson.contextual(req.get("contextual_tuples"), engine.settings().maxContextualTuples()),
                OpenFgaJson.context(req), OpenFgaJson.consistency(req));
        ObjectNode out = OpenFgaJson.object();
        ArrayNode users = out.putArray("users");
        for (UserRef u : r.results()) {
            users.add(OpenFgaJson.user(u));
        }
        out.put("consistency_token", Consistency.token(r.token()));
        return OpenFgaApi.reply(200, out, r.token());
    }
}
