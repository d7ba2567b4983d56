package dev.aegis.policy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.policy.api.AuthzReply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenFGA HTTP API over the engine: the paths, request and response shapes of OpenFGA v1 (so the OpenFGA
 * SDKs work unchanged) and its error JSON {@code {"code":"validation_error","message":"..."}}. Extensions:
 * {@code consistency_token} in write/check/list responses and accepted in requests; {@code explain} in check.
 * Framework-neutral: the server adapts its HTTP requests to {@link #handle}. Thread-safe.
 */
public final class OpenFgaApi {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFgaApi.class);
    static final int MAX_BATCH_CHECKS = 50;

    private final Engine engine;
    private final DecisionAudit audit;
    private final CheckApi checks;

    public OpenFgaApi(Engine engine, DecisionAudit audit) {
        this.engine = engine;
        this.audit = audit;
        this.checks = new CheckApi(engine, audit);
    }

    /**
     * Handles one request under {@code /stores}.
     *
     * @param path  the path without query, starting with {@code /stores}
     * @param query decoded query parameters (first value of each)
     * @param actor who is calling (for audit), never a credential
     */
    public AuthzReply handle(String method, String path, Map<String, String> query, String contentType, byte[] body,
                             String actor, String source) {
        try {
            return route(method, path, query, contentType, body, new Caller(actor, source));
        } catch (InvalidInputException e) {
            int status = "precondition_failed".equals(e.code()) ? 409 : 400;
            return error(status, e.code(), e.getMessage());
        } catch (ModelException e) {
            return error(400, "invalid_authorization_model", e.getMessage());
        } catch (NotFoundException e) {
            return error("store_id_not_found".equals(e.code()) ? 404 : 400, e.code(), e.getMessage());
        } catch (ResolutionTooComplexException e) {
            return error(400, "authorization_model_resolution_too_complex", e.getMessage());
        } catch (AuditFailure e) {
            return error(503, "unavailable", "The audit trail is unavailable; the decision was not released.");
        }
    }

    record Caller(String actor, String source) { }

    private AuthzReply route(String method, String path, Map<String, String> query, String contentType, byte[] body,
                             Caller caller) {
        String[] parts = path.split("/", -1); // "", "stores", id, op, sub
        if (parts.length < 2 || !"stores".equals(parts[1]) || parts.length > 5) {
            return notFound();
        }
        if (parts.length == 2 || parts.length == 3 && parts[2].isEmpty()) {
            return switch (method) {
                case "POST" -> createStore(json(body));
                case "GET" -> listStores(query);
                default -> notAllowed();
            };
        }
        String storeId = parts[2];
        if (parts.length == 3) {
            return switch (method) {
                case "GET" -> reply(200, OpenFgaJson.store(engine.store(storeId)), -1);
                case "DELETE" -> {
                    engine.deleteStore(storeId);
                    yield new AuthzReply(204, "", null);
                }
                default -> notAllowed();
            };
        }
        String op = parts[3];
        if ("authorization-models".equals(op)) {
            if (parts.length == 5) {
                return "GET".equals(method) ? readModel(storeId, parts[4]) : notAllowed();
            }
            return switch (method) {
                case "POST" -> writeModel(storeId, contentType, body);
                case "GET" -> listModels(storeId, query);
                default -> notAllowed();
            };
        }
        if (parts.length != 4) {
            return notFound();
        }
        if ("changes".equals(op)) {
            return "GET".equals(method) ? changes(storeId, query) : notAllowed();
        }
        if (!"POST".equals(method)) {
            return notAllowed();
        }
        JsonNode req = json(body);
        engine.store(storeId);
        return switch (op) {
            case "write" -> write(storeId, req);
            case "read" -> read(storeId, req);
            case "check" -> checks.check(storeId, req, caller);
            case "batch-check" -> checks.batchCheck(storeId, req, caller);
            case "expand" -> checks.expand(storeId, req);
            case "list-objects" -> checks.listObjects(storeId, req);
            case "list-users" -> checks.listUsers(storeId, req);
            default -> notFound();
        };
    }

    private AuthzReply createStore(JsonNode req) {
        String name = OpenFgaJson.required(req, "name");
        if (name.length() > 64) {
            throw new InvalidInputException("name must be at most 64 characters");
        }
        return reply(201, OpenFgaJson.store(engine.createStore(name)), -1);
    }

    private AuthzReply listStores(Map<String, String> query) {
        int size = OpenFgaJson.pageSize(query.get("page_size"), 100);
        String after = query.getOrDefault("continuation_token", "");
        if (!after.isEmpty() && !Ulid.isValid(after)) {
            throw new InvalidInputException("invalid continuation_token");
        }
        List<StoreInfo> page = engine.catalog().listStores(after, size);
        ObjectNode out = OpenFgaJson.object();
        ArrayNode stores = out.putArray("stores");
        page.forEach(s -> stores.add(OpenFgaJson.store(s)));
        out.put("continuation_token", page.size() == size ? page.get(page.size() - 1).id() : "");
        return reply(200, out, -1);
    }

    private AuthzReply writeModel(String storeId, String contentType, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        boolean dsl = contentType != null && contentType.startsWith("text/") || DslModel.looksLikeDsl(text);
        JsonNode model = dsl ? DslModel.toJson(text) : json(body);
        ObjectNode out = OpenFgaJson.object();
        out.put("authorization_model_id", engine.writeModel(storeId, model));
        return reply(201, out, -1);
    }

    private AuthzReply readModel(String storeId, String modelId) {
        engine.store(storeId);
        ObjectNode out = OpenFgaJson.object();
        out.set("authorization_model", engine.model(storeId, modelId).json());
        return reply(200, out, -1);
    }

    private AuthzReply listModels(String storeId, Map<String, String> query) {
        engine.store(storeId);
        int size = OpenFgaJson.pageSize(query.get("page_size"), 50);
        String before = query.get("continuation_token");
        if (before != null && !before.isEmpty() && !Ulid.isValid(before)) {
            throw new InvalidInputException("invalid continuation_token");
        }
        List<String[]> page = engine.catalog().listModels(storeId, before == null || before.isEmpty() ? null : before, size);
        ObjectNode out = OpenFgaJson.object();
        ArrayNode models = out.putArray("authorization_models");
        for (String[] row : page) {
            models.add(engine.model(storeId, row[0]).json());
        }
        out.put("continuation_token", page.size() == size ? page.get(page.size() - 1)[0] : "");
        return reply(200, out, -1);
    }

    private AuthzReply write(String storeId, JsonNode req) {
        AuthzModel model = engine.model(storeId, OpenFgaJson.text(req, "authorization_model_id"));
        JsonNode writes = req.path("writes");
        JsonNode deletes = req.path("deletes");
        int max = engine.settings().maxTuplesPerWrite();
        List<Tuple> w = OpenFgaJson.tupleKeys(writes.get("tuple_keys"), true, max);
        List<Tuple> d = OpenFgaJson.tupleKeys(deletes.get("tuple_keys"), false, max);
        boolean ignoreDuplicates = option(writes, "on_duplicate", "ignore");
        boolean ignoreMissing = option(deletes, "on_missing", "ignore");
        List<WritePlan.Precondition> pre = new java.util.ArrayList<>();
        for (JsonNode p : req.path("preconditions")) {
            String must = OpenFgaJson.required(p, "must");
            if (!"exist".equals(must) && !"not_exist".equals(must)) {
                throw new InvalidInputException("preconditions[].must must be 'exist' or 'not_exist'");
            }
            pre.add(new WritePlan.Precondition(OpenFgaJson.tupleKey(p.get("tuple_key"), false), "exist".equals(must)));
        }
        long token = engine.write(storeId, model, new WritePlan(w, d, ignoreDuplicates, ignoreMissing, pre));
        ObjectNode out = OpenFgaJson.object();
        out.put("consistency_token", Consistency.token(token));
        return reply(200, out, token);
    }

    private static boolean option(JsonNode node, String field, String ignoreValue) {
        String v = node.isObject() ? OpenFgaJson.text(node, field) : null;
        if (v == null || v.isEmpty() || "error".equals(v)) {
            return false;
        }
        if (ignoreValue.equals(v)) {
            return true;
        }
        throw new InvalidInputException(field + " must be 'error' or '" + ignoreValue + "'");
    }

    private AuthzReply read(String storeId, JsonNode req) {
        JsonNode key = req.get("tuple_key");
        String objectType = null;
        String objectId = null;
        String relation = null;
        String[] user = null;
        if (key != null && key.isObject()) {
            String object = OpenFgaJson.text(key, "object");
            if (object != null && !object.isEmpty()) {
                if (object.endsWith(":")) {
                    objectType = object.substring(0, object.length() - 1);
                } else {
                    String[] o = TupleKeys.object(object);
                    objectType = o[0];
                    objectId = o[1];
                }
            }
            String r = OpenFgaJson.text(key, "relation");
            relation = r == null || r.isEmpty() ? null : TupleKeys.relation(r);
            String u = OpenFgaJson.text(key, "user");
            user = u == null || u.isEmpty() ? null : TupleKeys.user(u);
        }
        int size = req.hasNonNull("page_size") ? OpenFgaJson.pageSize(req.get("page_size").asText(), 100) : 50;
        int offset = OpenFgaJson.offsetToken(OpenFgaJson.text(req, "continuation_token"));
        List<Object[]> rows = engine.db().read(storeId, objectType, objectId, relation, user, offset, size);
        ObjectNode out = OpenFgaJson.object();
        ArrayNode tuples = out.putArray("tuples");
        for (Object[] row : rows) {
            ObjectNode t = tuples.addObject();
            t.set("key", OpenFgaJson.key((Tuple) row[0]));
            t.put("timestamp", OpenFgaJson.time((java.time.Instant) row[1]));
        }
        out.put("continuation_token", rows.size() == size ? "o" + (offset + size) : "");
        return reply(200, out, -1);
    }

    private AuthzReply changes(String storeId, Map<String, String> query) {
        engine.store(storeId);
        int size = OpenFgaJson.pageSize(query.get("page_size"), 100);
        String type = query.get("type");
        String token = query.get("continuation_token");
        long after = token == null || token.isEmpty() ? 0 : Consistency.parseToken(token);
        List<Change> page = engine.db().changesAfter(storeId, type == null || type.isEmpty() ? null : type, after, size);
        ObjectNode out = OpenFgaJson.object();
        ArrayNode changes = out.putArray("changes");
        long last = after;
        for (Change c : page) {
            ObjectNode n = changes.addObject();
            n.set("tuple_key", OpenFgaJson.key(c.tuple()));
            n.put("operation", c.write() ? "TUPLE_OPERATION_WRITE" : "TUPLE_OPERATION_DELETE");
            n.put("timestamp", OpenFgaJson.time(c.at()));
            last = c.seq();
        }
        // As OpenFGA: the token of the last change, so a poller continues where it stopped.
        out.put("continuation_token", Consistency.token(last));
        return reply(200, out, -1);
    }

    static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return OpenFgaJson.object();
        }
        try {
            JsonNode n = ModelParser.JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new InvalidInputException("the request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the request body is not valid JSON");
        } catch (java.io.IOException e) {
            throw new InvalidInputException("the request body could not be read");
        }
    }

    static AuthzReply reply(int status, JsonNode body, long token) {
        return new AuthzReply(status, body.toString(), token < 0 ? null : Consistency.token(token));
    }

    public static AuthzReply error(int status, String code, String message) {
        ObjectNode e = OpenFgaJson.object();
        e.put("code", code);
        e.put("message", message);
        return new AuthzReply(status, e.toString(), null);
    }

    private static AuthzReply notFound() {
        return error(404, "undefined_endpoint", "Not Found");
    }

    private static AuthzReply notAllowed() {
        return error(405, "undefined_endpoint", "Method Not Allowed");
    }

    /** The audit trail refused a fail-closed record: the decision must not be released. */
    static final class AuditFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AuditFailure(Throwable cause) {
            super("audit unavailable", cause, false, false);
        }
    }

    static Logger log() {
        return LOG;
    }
}
