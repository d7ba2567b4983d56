package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs the conformance files of {@code src/test/resources/conformance}: each is a model (DSL), tuples and the
 * expected answers of check, list-objects and list-users. One store per file, on the given engine.
 */
final class ConformanceSuite {
    static final List<String> FILES = List.of("01-rewrites.yaml", "02-rbac-seed-002.yaml", "03-abac-conditions.yaml",
            "04-drive-rebac.yaml", "05-cycles-and-depth.yaml", "06-contextual-tuples.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConformanceSuite() {
    }

    static Stream<DynamicNode> tests(Engine engine) {
        List<DynamicNode> out = new ArrayList<>();
        for (String file : FILES) {
            JsonNode spec = load(file);
            out.add(DynamicContainer.dynamicContainer(file + ": " + spec.path("name").asText(), cases(engine, spec)));
        }
        return out.stream();
    }

    static JsonNode load(String file) {
        try (InputStream in = ConformanceSuite.class.getResourceAsStream("/conformance/" + file)) {
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(file, e);
        }
    }

    private static Stream<DynamicNode> cases(Engine engine, JsonNode spec) {
        StoreInfo store = engine.createStore(spec.path("name").asText());
        String modelId = engine.writeModel(store.id(), DslModel.toJson(spec.path("model").asText()));
        AuthzModel model = engine.model(store.id(), modelId);
        List<Tuple> tuples = tuples(spec.path("tuples"));
        for (int i = 0; i < tuples.size(); i += 100) {
            engine.write(store.id(), model, new WritePlan(tuples.subList(i, Math.min(i + 100, tuples.size())), List.of(),
                    false, false, List.of()));
        }
        List<DynamicNode> tests = new ArrayList<>();
        for (JsonNode c : spec.path("checks")) {
            String name = "check " + c.path("object").asText() + "#" + c.path("relation").asText() + "@"
                    + c.path("user").asText() + (c.has("context") ? " " + c.get("context") : "")
                    + (c.has("contextual_tuples") ? " +contextual" : "") + " -> "
                    + (c.has("error") ? c.get("error").asText() : c.path("allowed").asText());
            tests.add(DynamicTest.dynamicTest(name, () -> check(engine, store.id(), model, c)));
        }
        for (JsonNode c : spec.path("list_objects")) {
            String name = "list-objects " + c.path("type").asText() + "#" + c.path("relation").asText() + "@"
                    + c.path("user").asText() + " -> " + c.path("objects");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Engine.ListOutcome<String> r = engine.listObjects(store.id(), model, c.path("type").asText(),
                        c.path("relation").asText(), UserRef.parse(c.path("user").asText()), tuples(c.path("contextual_tuples")),
                        c.get("context"), Consistency.MINIMIZE_LATENCY);
                Set<String> actual = new TreeSet<>();
                r.results().forEach(id -> actual.add(c.path("type").asText() + ":" + id));
                assertEquals(strings(c.path("objects")), actual);
            }));
        }
        for (JsonNode c : spec.path("list_users")) {
            String name = "list-users " + c.path("object").asText() + "#" + c.path("relation").asText() + " filter "
                    + c.path("filter").asText() + " -> " + c.path("users");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String[] o = TupleKeys.object(c.path("object").asText());
                String filter = c.path("filter").asText();
                int hash = filter.indexOf('#');
                Engine.ListOutcome<UserRef> r = engine.listUsers(store.id(), model, o[0], o[1], c.path("relation").asText(),
                        hash < 0 ? filter : filter.substring(0, hash), hash < 0 ? "" : filter.substring(hash + 1),
                        tuples(c.path("contextual_tuples")), c.get("context"), Consistency.MINIMIZE_LATENCY);
                Set<String> actual = new TreeSet<>();
                r.results().forEach(u -> actual.add(u.key()));
                assertEquals(strings(c.path("users")), actual);
            }));
        }
        return tests.stream();
    }

    private static void check(Engine engine, String storeId, AuthzModel model, JsonNode c) {
        if (c.has("error")) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> runCheck(engine, storeId, model, c));
            String code = switch (e) {
                case InvalidInputException i -> i.code();
                case ResolutionTooComplexException r -> "authorization_model_resolution_too_complex";
                default -> e.toString();
            };
            assertEquals(c.get("error").asText(), code, e.getMessage());
            return;
        }
        boolean expected = c.path("allowed").asBoolean();
        assertEquals(expected, runCheck(engine, storeId, model, c).allowed(), "check");
        // the explained evaluation must reach the same decision
        Engine.CheckOutcome explained = engine.check(storeId, model, key(c), tuples(c.path("contextual_tuples")),
                c.get("context"), Consistency.MINIMIZE_LATENCY, true);
        if (explained.allowed() != expected) {
            fail("explained check disagrees:\n" + explained.trace().toText());
        }
        // as the audited API evaluates it: a denial is explained again, briefly, on the same evaluator's memo
        Engine.CheckOutcome audited = engine.check(storeId, model, key(c), tuples(c.path("contextual_tuples")),
                c.get("context"), Consistency.MINIMIZE_LATENCY, Engine.Explain.DENIALS);
        assertEquals(expected, audited.allowed(), "check explaining denials");
        assertEquals(!expected, audited.trace() != null, "a denial, and only a denial, comes with its explanation");
        if (audited.trace() != null) {
            assertEquals(false, audited.trace().granted(), audited.trace().toText());
        }
    }

    private static Engine.CheckOutcome runCheck(Engine engine, String storeId, AuthzModel model, JsonNode c) {
        return engine.check(storeId, model, key(c), tuples(c.path("contextual_tuples")), c.get("context"),
                Consistency.MINIMIZE_LATENCY, false);
    }

    private static Tuple key(JsonNode c) {
        return TupleKeys.parse(c.path("object").asText(), c.path("relation").asText(), c.path("user").asText(), null, null);
    }

    static List<Tuple> tuples(JsonNode list) {
        List<Tuple> out = new ArrayList<>();
        for (JsonNode t : list) {
            JsonNode cond = t.path("condition");
            out.add(TupleKeys.parse(t.path("object").asText(), t.path("relation").asText(), t.path("user").asText(),
                    cond.isMissingNode() ? null : cond.path("name").asText(),
                    cond.path("context").isObject() ? (ObjectNode) cond.get("context") : null));
        }
        return out;
    }

    private static Set<String> strings(JsonNode list) {
        Set<String> out = new TreeSet<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }
}
