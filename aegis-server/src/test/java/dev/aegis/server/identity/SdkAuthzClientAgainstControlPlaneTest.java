package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.sdk.api.authz.AuthzClient;
import dev.aegis.sdk.api.authz.AuthzDecision;
import dev.aegis.sdk.api.events.EventFeed;
import dev.aegis.sdk.api.token.TokenEndpointClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's {@link AuthzClient} against a real control plane over HTTP: checks with a service's own
 * {@code aegis:authz} token, a decision cache that the {@code authz.changed} stream drops, consistency tokens
 * that keep a check after a revoke from being answered from older state, and fail-closed errors.
 */
class SdkAuthzClientAgainstControlPlaneTest {
    private static final String MODEL = """
            model
              schema 1.1

            type user

            type blog
              relations
                define admin: [user]
                define editor: [user] or admin
                define edit_post: editor
            """;

    @TempDir
    Path dataDir;

    @Test
    void aRevokedTupleIsDeniedOnceTheChangeStreamDropsTheCachedAllow() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dataDir)) {
            String store = storeWithModel(aegis);
            String granted = writeTuple(aegis, store, "writes", "user:alice", "editor", "blog:main");
            TokenEndpointClient orders = serviceClient(aegis);
            Set<String> announced = ConcurrentHashMap.newKeySet();
            try (EventFeed feed = EventFeed.start(HttpClient.newHttpClient(), aegis.uri(""),
                    List.of(AuthzClient.CHANGED_TOPIC), () -> orders.serviceToken("aegis:events"),
                    e -> announced.add(String.valueOf(e.attributes().get("consistency_token"))))) {
                // The grant's own authz.changed may reach the feed after it is caught up (it is delivered
                // once the commit is seen): wait for it, or it would drop the cache in the middle of the test.
                awaitTrue(() -> announced.contains(granted), "the grant's authz.changed reached the feed");
                AuthzClient authz = client(aegis, store, orders, "aegis:authz").followChanges(feed);

                AuthzDecision.Answered first = answer(authz);
                assertTrue(first.allowed() && !first.cached());
                assertEquals(new AuthzDecision.Answered(true, first.consistencyToken(), true), answer(authz),
                        "served from the cache");
                assertEquals(1, authz.cacheHits());

                // Revoke behind the client's back: only the event stream can tell it.
                long invalidationsBefore = authz.invalidations();
                writeTuple(aegis, store, "deletes", "user:alice", "editor", "blog:main");
                awaitTrue(() -> authz.invalidations() > invalidationsBefore, "the revoke's authz.changed arrived");
                assertEquals(invalidationsBefore + 1, authz.invalidations(), "authz.changed dropped the cache");
                AuthzDecision.Answered afterRevoke = answer(authz);
                assertTrue(!afterRevoke.allowed() && !afterRevoke.cached(), "denied by the engine, not the cache");
                assertEquals(new AuthzDecision.Answered(false, afterRevoke.consistencyToken(), true), answer(authz),
                        "the denial is cached in turn");
                String metrics = authz.prometheusText();
                assertTrue(metrics.contains("aegis_sdk_authz_checks_total{store=\"" + store + "\",outcome=\"denied\"} 2"), metrics);
                assertTrue(metrics.contains("aegis_sdk_authz_cache_total{store=\"" + store + "\",result=\"hit\"} 2"), metrics);
            }
        }
    }

    @Test
    void newEnemyACheckCarryingTheRevokesTokenIsNeverAnsweredFromTheOlderCachedAllow() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dataDir)) {
            String store = storeWhereAliceIsEditor(aegis);
            TokenEndpointClient orders = serviceClient(aegis);
            // A connected feed that never carries authz.changed: the cache is on, but no event will drop it.
            try (EventFeed feed = caughtUpFeed(aegis, orders, "token.revoked")) {
                AuthzClient authz = client(aegis, store, orders, "aegis:authz").followChanges(feed);
                authz.check("user:alice", "edit_post", "blog:main");
                assertTrue(answer(authz).cached());

                String revoke = writeTuple(aegis, store, "deletes", "user:alice", "editor", "blog:main");
                AuthzDecision withToken = authz.check("user:alice", "edit_post", "blog:main", Map.of(), revoke);
                AuthzDecision.Answered denied = assertInstanceOf(AuthzDecision.Answered.class, withToken);
                assertFalse(denied.allowed());
                assertFalse(denied.cached(), "not the cached allow from before the revoke");
                assertTrue(Long.parseLong(denied.consistencyToken().substring(1)) >= Long.parseLong(revoke.substring(1)));
                // From now on the client knows newer state exists: the old allow is not served without a token either.
                assertFalse(authz.check("user:alice", "edit_post", "blog:main").allowed());
            }
        }
    }

    @Test
    void failsClosedOnAWrongCredentialBadInputAndAnUnreachableEngine() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dataDir)) {
            String store = storeWhereAliceIsEditor(aegis);
            TokenEndpointClient orders = serviceClient(aegis);

            AuthzClient noScope = client(aegis, store, orders, "aegis:events");
            AuthzDecision.Failed refused = assertInstanceOf(AuthzDecision.Failed.class,
                    noScope.check("user:alice", "edit_post", "blog:main"));
            assertEquals(401, refused.status());
            assertEquals("unauthenticated", refused.code());
            assertFalse(refused.allowed());

            AuthzClient authz = client(aegis, store, orders, "aegis:authz");
            AuthzDecision.Failed badRelation = assertInstanceOf(AuthzDecision.Failed.class,
                    authz.check("user:alice", "no_such_relation", "blog:main"));
            assertEquals(400, badRelation.status());
            assertEquals("validation_error", assertInstanceOf(AuthzDecision.Failed.class,
                    authz.check("user:alice", "edit_post", "x".repeat(600))).code());
            assertTrue(authz.check("user:alice", "edit_post", "blog:main").allowed());
            assertTrue(authz.prometheusText().contains("outcome=\"failed\"} 2"));

            int closedPort;
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            AuthzClient unreachable = new AuthzClient(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + closedPort), store,
                    () -> "any", AuthzClient.Settings.defaults());
            AuthzDecision.Failed down = assertInstanceOf(AuthzDecision.Failed.class,
                    unreachable.check("user:alice", "edit_post", "blog:main"));
            assertEquals("unavailable", down.code());
            assertFalse(down.allowed());
        }
    }

    private static AuthzDecision.Answered answer(AuthzClient authz) {
        return assertInstanceOf(AuthzDecision.Answered.class, authz.check("user:alice", "edit_post", "blog:main"));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private static EventFeed caughtUpFeed(IdentityServer aegis, TokenEndpointClient orders, String topic)
            throws InterruptedException {
        EventFeed feed = EventFeed.start(HttpClient.newHttpClient(), aegis.uri(""), List.of(topic),
                () -> orders.serviceToken("aegis:events"), e -> { });
        assertTrue(feed.awaitCaughtUp(Duration.ofSeconds(10)), "the service's token opens the event stream");
        return feed;
    }

    private static AuthzClient client(IdentityServer aegis, String store, TokenEndpointClient orders, String scope) {
        return new AuthzClient(HttpClient.newHttpClient(), aegis.uri(""), store, () -> orders.serviceToken(scope),
                AuthzClient.Settings.defaults());
    }

    private static String storeWhereAliceIsEditor(IdentityServer aegis) throws Exception {
        String store = storeWithModel(aegis);
        writeTuple(aegis, store, "writes", "user:alice", "editor", "blog:main");
        return store;
    }

    private static TokenEndpointClient serviceClient(IdentityServer aegis) throws Exception {
        String issuer = aegis.server.baseUrl();
        JsonNode orders = aegis.createClient("{\"client_id\":\"orders\",\"grant_types\":[\"client_credentials\"],"
                + "\"scopes\":[\"aegis:events\",\"aegis:authz\"],\"audiences\":[\"" + issuer + "\"]}");
        return new TokenEndpointClient(HttpClient.newHttpClient(), aegis.uri("/oauth2/token"), "orders",
                SecretBytes.copyOf(orders.get("client_secret").asText().getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
    }

    private static String storeWithModel(IdentityServer aegis) throws Exception {
        HttpResponse<String> created = aegis.adminPost("/stores", "{\"name\":\"blog\"}");
        assertEquals(201, created.statusCode(), created.body());
        String store = IdentityServer.JSON.readTree(created.body()).get("id").asText();
        HttpResponse<String> model = IdentityServer.HTTP.send(HttpRequest.newBuilder(aegis.uri("/stores/" + store
                        + "/authorization-models")).header("Authorization", "Bearer " + aegis.admin)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(MODEL)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, model.statusCode(), model.body());
        return store;
    }

    /** @return the write's consistency token */
    private static String writeTuple(IdentityServer aegis, String store, String kind, String user, String relation,
                                     String object) throws Exception {
        HttpResponse<String> r = aegis.adminPost("/stores/" + store + "/write", "{\"" + kind + "\":{\"tuple_keys\":[{\"user\":\""
                + user + "\",\"relation\":\"" + relation + "\",\"object\":\"" + object + "\"}]}}");
        assertEquals(200, r.statusCode(), r.body());
        return IdentityServer.JSON.readTree(r.body()).get("consistency_token").asText();
    }
}
