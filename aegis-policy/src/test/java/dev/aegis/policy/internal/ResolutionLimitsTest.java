package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.store.api.Store;
import dev.aegis.store.testing.PostgresTestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversarial graphs: a 10,000-deep nesting of groups (the attack on a recursive evaluator is a stack overflow),
 * a lattice of diamonds (exponentially many paths at bounded depth: memoised, so linear) and a group with
 * more nested groups than a check may resolve. Each ends quickly, in an answer or a clear
 * {@code authorization_model_resolution_too_complex}, never in a StackOverflowError.
 */
class ResolutionLimitsTest {
    private static final String MODEL = """
            model
              schema 1.1
            type user
            type group
              relations
                define member: [user, group#member]
            """;
    @TempDir
    static Path dir;
    static Store store;
    static Engine engine;
    static String storeId;
    static AuthzModel model;
    /** A small resolution budget, so the "wide" group needs only a few thousand tuples to exceed it. */
    static final int BUDGET = 2_000;

    @BeforeAll
    static void open() {
        store = Store.open(PostgresTestServer.freshEmbedded(dir));
        engine = new Engine(store, null, AuthzSettings.defaults().withMaxDepth(AuthzSettings.MAX_DEPTH_LIMIT)
                .withMaxResolutions(BUDGET), Clock.systemUTC(), List.of());
        storeId = engine.createStore("limits").id();
        model = engine.model(storeId, engine.writeModel(storeId, DslModel.toJson(MODEL)));
        List<Tuple> tuples = new ArrayList<>();
        tuples.add(TupleKeys.parse("group:d0", "member", "user:deep", null, null));
        for (int i = 1; i <= 10_000; i++) {
            tuples.add(TupleKeys.parse("group:d" + i, "member", "group:d" + (i - 1) + "#member", null, null));
        }
        // diamonds: every level has two groups, each containing both groups of the level below
        tuples.add(TupleKeys.parse("group:a0", "member", "user:far", null, null));
        for (int i = 1; i <= 40; i++) {
            for (String me : new String[] {"a", "b"}) {
                for (String below : new String[] {"a", "b"}) {
                    if (i > 1 || "a".equals(below)) {
                        tuples.add(TupleKeys.parse("group:" + me + i, "member", "group:" + below + (i - 1) + "#member", null, null));
                    }
                }
            }
        }
        for (int i = 0; i < BUDGET + 100; i++) {
            tuples.add(TupleKeys.parse("group:wide", "member", "group:w" + i + "#member", null, null));
        }
        engine.db().bulkInsert(storeId, tuples, engine.clock().instant());
        engine.reload(storeId);
    }

    @AfterAll
    static void close() {
        engine.close();
        store.close();
    }

    private static boolean check(String object, String user) {
        return engine.check(storeId, model, TupleKeys.parse(object, "member", user, null, null), List.of(), null,
                Consistency.MINIMIZE_LATENCY, false).allowed();
    }

    @Test
    void tenThousandDeepNestingIsRefusedWithoutAStackOverflow() {
        ResolutionTooComplexException e = assertThrows(ResolutionTooComplexException.class,
                () -> check("group:d10000", "user:deep"));
        assertEquals("resolution of group:d9900#member exceeded the depth limit of 100", e.getMessage());
        assertTrue(check("group:d90", "user:deep"), "within the limit the answer is exact");
    }

    @Test
    void explainedEvaluationIsBoundedToo() {
        assertThrows(ResolutionTooComplexException.class, () -> engine.check(storeId, model,
                TupleKeys.parse("group:d10000", "member", "user:deep", null, null), List.of(), null,
                Consistency.MINIMIZE_LATENCY, true));
    }

    @Test
    void exponentiallyManyPathsAreResolvedOnceEach() {
        // 2^40 paths from group:a40 down to a0: without memoisation this never ends
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertFalse(check("group:a40", "user:nobody")));
        assertTrue(check("group:a40", "user:far"));
    }

    @Test
    void moreNestedGroupsThanTheResolutionBudgetIsRefusedQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ResolutionTooComplexException e = assertThrows(ResolutionTooComplexException.class,
                    () -> check("group:wide", "user:nobody"));
            assertEquals("the check needed more than " + BUDGET + " resolutions", e.getMessage());
        });
    }

    @Test
    void listObjectsOverTheDeepChainIsBounded() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertEquals(AuthzSettings.defaults().maxListResults(),
                engine.listObjects(storeId, model, "group", "member", UserRef.parse("user:deep"), List.of(), null,
                        Consistency.MINIMIZE_LATENCY).results().size()));
        assertFalse(engine.listObjects(storeId, model, "group", "member", UserRef.parse("user:nobody"), List.of(), null,
                Consistency.MINIMIZE_LATENCY).results().iterator().hasNext());
    }
}
