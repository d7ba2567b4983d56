package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.store.api.Store;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
    private static final String MODEL = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n";
    @TempDir
    static Path dir;
    static Store store;
    static Engine engine;

    @BeforeAll
    static void open() {
        store = Store.open(PostgresTestServer.freshEmbedded(dir));
        engine = new Engine(store, null, AuthzSettings.defaults(), Clock.systemUTC(), List.of());
    }

    @AfterAll
    static void close() {
        engine.close();
        store.close();
    }

    private static Tuple viewer(String doc, String user) {
        return TupleKeys.parse("doc:" + doc, "viewer", "user:" + user, null, null);
    }

    private static WritePlan writes(List<Tuple> tuples) {
        return new WritePlan(tuples, List.of(), false, false, List.of());
    }

    @Test
    void aModelIdOfAnotherStoreIsNotFound() {
        String a = engine.createStore("a").id();
        String b = engine.createStore("b").id();
        String modelOfA = engine.writeModel(a, DslModel.toJson(MODEL));
        engine.model(a, modelOfA);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> engine.model(b, modelOfA));
        assertEquals("authorization_model_not_found", e.code());
    }

    @Test
    void aDeletedStoreIsNotFound() {
        String s = engine.createStore("gone").id();
        engine.deleteStore(s);
        assertEquals("store_id_not_found", assertThrows(NotFoundException.class, () -> engine.store(s)).code());
    }

    @Test
    void writesAreLimitedAndAllOrNothing() {
        String s = engine.createStore("limits").id();
        AuthzModel model = engine.model(s, engine.writeModel(s, DslModel.toJson(MODEL)));
        List<Tuple> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(viewer("d" + i, "u"));
        }
        assertEquals("The number of write operations exceeds the allowed limit of 100",
                assertThrows(InvalidInputException.class, () -> engine.write(s, model, writes(many))).getMessage());
        assertEquals("duplicate tuple in write: doc:1#viewer@user:u", assertThrows(InvalidInputException.class,
                () -> engine.write(s, model, writes(List.of(viewer("1", "u"), viewer("1", "u"))))).getMessage());
        engine.write(s, model, writes(List.of(viewer("1", "u"))));
        // the second tuple already exists: the first one must not be written either
        InvalidInputException dup = assertThrows(InvalidInputException.class,
                () -> engine.write(s, model, writes(List.of(viewer("2", "u"), viewer("1", "u")))));
        assertEquals("write_failed_due_to_invalid_input", dup.code());
        assertFalse(engine.check(s, model, viewer("2", "u"), List.of(), null, Consistency.FULL, false).allowed());
        assertTrue(engine.check(s, model, viewer("1", "u"), List.of(), null, Consistency.FULL, false).allowed());
    }

    @Test
    void tuplesOutsideTheTypeRestrictionsAreRefused() {
        String s = engine.createStore("types").id();
        AuthzModel model = engine.model(s, engine.writeModel(s, DslModel.toJson(MODEL)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> engine.write(s, model,
                writes(List.of(TupleKeys.parse("doc:1", "viewer", "user:*", null, null)))));
        assertEquals("Invalid tuple 'doc:1#viewer@user:*'. Reason: type 'user:*' is not an allowed type restriction for "
                + "'doc#viewer'", e.getMessage());
    }
}
