package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.policy.api.AuthzSettings;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.StoreConfig;
import dev.aegis.store.testing.PostgresTestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zanzibar's "new enemy" problem (Zanzibar §2.2) on two cluster nodes sharing one PostgreSQL: node A revokes,
 * node B checks with A's consistency token and must not answer from its older snapshot. B's own change-log
 * poll is set to an hour, so only the token can make it fresh.
 */
class ConsistencyTokenTest {
    private static final String MODEL = """
            model
              schema 1.1
            type user
            type document
              relations
                define viewer: [user]
            """;
    private Store storeA;
    private Store storeB;
    private Engine nodeA;
    private Engine nodeB;
    private String storeId;
    private AuthzModel model;

    @BeforeEach
    void twoNodes() {
        StoreConfig db = PostgresTestServer.freshDatabase();
        storeA = Store.open(db);
        storeB = Store.open(db);
        AuthzSettings slowPoll = AuthzSettings.defaults().withPollInterval(Duration.ofHours(1));
        nodeA = new Engine(storeA, null, slowPoll, Clock.systemUTC(), List.of());
        storeId = nodeA.createStore("zookie").id();
        String modelId = nodeA.writeModel(storeId, DslModel.toJson(MODEL));
        model = nodeA.model(storeId, modelId);
        nodeB = new Engine(storeB, null, slowPoll, Clock.systemUTC(), List.of());
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
        storeA.close();
        storeB.close();
    }

    private long grant(boolean grant) {
        Tuple t = TupleKeys.parse("document:secret", "viewer", "user:mallory", null, null);
        return nodeA.write(storeId, model, grant ? new WritePlan(List.of(t), List.of(), false, false, List.of())
                : new WritePlan(List.of(), List.of(t), false, false, List.of()));
    }

    private Engine.CheckOutcome checkOnB(Consistency c) {
        return nodeB.check(storeId, nodeB.model(storeId, model.id()),
                TupleKeys.parse("document:secret", "viewer", "user:mallory", null, null), List.of(), null, c, false);
    }

    @Test
    void revokeFollowedByCheckWithTheRevokesTokenIsNeverAnsweredFromAnOlderSnapshot() {
        long granted = grant(true);
        assertTrue(checkOnB(new Consistency(false, granted)).allowed());
        assertTrue(checkOnB(Consistency.MINIMIZE_LATENCY).allowed()); // now cached on B's snapshot

        long revoked = grant(false);
        assertTrue(revoked > granted, "tokens are monotonic");
        // Without the token B still answers from the snapshot it has (the hazard the token exists for) ...
        Engine.CheckOutcome stale = checkOnB(Consistency.MINIMIZE_LATENCY);
        assertTrue(stale.allowed());
        assertTrue(stale.token() < revoked);
        // ... with it, never: the answer comes from a snapshot at least as fresh as the revoke.
        Engine.CheckOutcome fresh = checkOnB(new Consistency(false, revoked));
        assertFalse(fresh.allowed());
        assertTrue(fresh.token() >= revoked);
    }

    @Test
    void fullyConsistentCheckSeesEveryCommittedChange() {
        grant(true);
        assertTrue(checkOnB(Consistency.FULL).allowed());
        grant(false);
        assertFalse(checkOnB(Consistency.FULL).allowed());
    }

    @Test
    void alternatingGrantsAndRevokesAreAlwaysSeenWithTheirToken() {
        for (int i = 0; i < 40; i++) {
            boolean grant = i % 2 == 0;
            long token = grant(grant);
            Engine.CheckOutcome r = checkOnB(new Consistency(false, token));
            assertEquals(grant, r.allowed(), "round " + i);
        }
    }

    @Test
    void aTokenNewerThanEveryCommittedChangeIsRejected() {
        long token = grant(true);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> checkOnB(new Consistency(false, token + 1000)));
        assertEquals("consistency_token is newer than every committed change", e.getMessage());
    }

    @Test
    void malformedTokensAreRejected() {
        for (String bad : new String[] {"", "z", "42", "zz1", "z-1", "z12345678901234567890", "z1 "}) {
            assertThrows(InvalidInputException.class, () -> Consistency.parseToken(bad), bad);
        }
        assertEquals(42, Consistency.parseToken("z42"));
    }
}
