package dev.aegis.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.examples.api.FleetService;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.token.TokenEndpointClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 end to end, on real servers in one JVM over real TLS: the control plane (HTTPS, workload mTLS
 * listener), the gateway (HTTPS, upstream mTLS with its SVID) and the fleet orders → payments → ledger, each
 * with its own SVID. The refusals at a service are driven directly against it with real SVIDs; then the demo's
 * walk runs and every step is asserted (the walk revokes the payments workload last, so it runs last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoEndToEndTest {
    @TempDir
    static Path dir;
    static DemoSystem demo;
    static UserLogin login;

    @BeforeAll
    static void start() throws Exception {
        demo = DemoSystem.start(dir);
        login = new UserLogin(demo.httpClient(), demo.controlPlaneUrl(), DemoSystem.APP_CLIENT,
                demo.clientSecret(DemoSystem.APP_CLIENT), DemoSystem.REDIRECT_URI);
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    /** A second instance of a registered workload (its own key, its own SVID), accepting orders as its peer. */
    private static WorkloadIdentity instanceOf(SpiffeId id) throws Exception {
        return WorkloadIdentity.builder().controlPlane(URI.create(demo.controlPlaneUrl()))
                .mtlsEndpoint(URI.create(demo.server().mtlsUrl())).trustDomain(demo.trustDomain())
                .joinToken(demo.admin().mintJoinToken(id.toString())).bootstrapClient(demo.httpClient())
                .authorizer(PeerAuthorizer.allowing(FleetService.ORDERS.spiffeId(demo.trustDomain()))).start();
    }

    /**
     * One POST to orders. A request to the fleet's JDK {@code HttpsServer} over mTLS stalls until its 10 s time-out in
     * about one run in four (seen on a quiet machine too; cause not found, an open issue of the demo fleet's HTTPS
     * stack, not of the checks asserted here), so a timed-out request is sent once more; every answer is asserted.
     */
    private static HttpResponse<String> postOrders(HttpClient client, String token) throws Exception {
        try {
            return sendPostOrders(client, token);
        } catch (java.net.http.HttpTimeoutException stalled) {
            return sendPostOrders(client, token);
        }
    }

    private static HttpResponse<String> sendPostOrders(HttpClient client, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(demo.service(FleetService.ORDERS).uri().resolve("/orders"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String userToken(String scope) throws Exception {
        return login.login(DemoSystem.USER, demo.userPassword(), scope);
    }

    @Test
    @Order(1)
    void gatewayBypassWithAnotherWorkloadsValidSvidAndAValidTokenIsRefusedAtOrders() throws Exception {
        String token = userToken(DemoWalk.FULL_SCOPE);
        try (WorkloadIdentity payments = instanceOf(FleetService.PAYMENTS.spiffeId(demo.trustDomain()))) {
            HttpResponse<String> r = postOrders(HttpClient.newBuilder().sslContext(payments.sslContext()).build(), token);
            assertEquals(403, r.statusCode(), "payments is orders' peer for TLS, but not its caller");
            assertEquals("{\"error\":\"caller_not_allowed\"}", r.body());
        }
    }

    @Test
    @Order(2)
    void confusedDeputyTokenForAnotherAudienceAScopelessOrAForgedTokenAreRefusedAtOrdersEvenFromTheGateway() throws Exception {
        String full = userToken(DemoWalk.FULL_SCOPE);
        try (WorkloadIdentity gateway = instanceOf(FleetService.ORDERS.caller(demo.trustDomain()))) {
            HttpClient asGateway = HttpClient.newBuilder().sslContext(gateway.sslContext()).build();
            assertEquals(200, postOrders(asGateway, full).statusCode(), "the control case: the right caller, the right token");

            // A token for another audience (what orders itself sends to payments) is not valid at orders.
            TokenEndpointClient orders = new TokenEndpointClient(demo.httpClient(),
                    URI.create(demo.controlPlaneUrl() + "/oauth2/token"), "orders",
                    SecretBytes.copyOf(demo.clientSecret("orders").getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
            String forPayments = orders.exchange(full, "payments", "payments:charge");
            HttpResponse<String> otherAudience = postOrders(asGateway, forPayments);
            assertEquals(401, otherAudience.statusCode());
            assertEquals("{\"error\":\"invalid_token\"}", otherAudience.body());

            HttpResponse<String> noScope = postOrders(asGateway, userToken("openid orders:read"));
            assertEquals(403, noScope.statusCode());
            assertTrue(noScope.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"insufficient_scope\""));

            assertEquals(401, postOrders(asGateway, full.substring(0, full.length() - 4) + "AAAA").statusCode(),
                    "a token with a forged signature");
        }
    }

    @Test
    @Order(3)
    void gatewayBypassWithoutAClientCertificateGetsNoHandshakeAndTheGatewayWantsAToken() throws Exception {
        HttpClient noCertificate = HttpClient.newBuilder().sslContext(demo.spiffeBundleTrust()).build();
        assertThrows(IOException.class, () -> postOrders(noCertificate, userToken(DemoWalk.FULL_SCOPE)));

        HttpResponse<String> anonymous = demo.httpClient().send(HttpRequest.newBuilder(URI.create(demo.gatewayUrl() + "/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"));
    }

    @Test
    @Order(4)
    void aRevokedCallerRidingAKeptAliveConnectionIsRefusedAtItsNextRequest() throws Exception {
        String token = userToken(DemoWalk.FULL_SCOPE);
        try (WorkloadIdentity gateway = instanceOf(FleetService.ORDERS.caller(demo.trustDomain()))) {
            HttpClient keepAlive = HttpClient.newBuilder().sslContext(gateway.sslContext()).build();
            assertEquals(200, postOrders(keepAlive, token).statusCode());
            demo.admin().revokeSerial(gateway.svid().serial()); // this instance only, not the gateway's workload
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            HttpResponse<String> r;
            do {
                r = postOrders(keepAlive, token); // the connection of the first request: no new handshake
            } while (r.statusCode() == 200 && System.nanoTime() < deadline);
            assertEquals(403, r.statusCode(), "the open connection outlived the revocation");
            assertEquals("{\"error\":\"caller_revoked\"}", r.body());
        }
        assertEquals(200, demo.httpClient().send(HttpRequest.newBuilder(URI.create(demo.gatewayUrl() + "/orders"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the real gateway (another serial) still gets through");
    }

    @Test
    @Order(5)
    void theReadyFileTellsALoadGeneratorWhereEverythingIsAndIsForTheOwnerOnly() throws Exception {
        Path file = dir.resolve("ready.json");
        DemoReadyFile.write(file, demo);
        var ready = DemoAdmin.JSON.readTree(java.nio.file.Files.readString(file));
        assertEquals(DemoReadyFile.VERSION, ready.path("version").asInt());
        assertEquals(demo.gatewayUrl(), ready.path("gateway").asText());
        assertEquals("/orders", ready.path("ordersPath").asText());
        assertEquals(java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), java.nio.file.Files.getPosixFilePermissions(file));
        // What the file promises works: a client-credentials token of the load client, through the gateway.
        String token = demo.admin().clientToken(ready.path("loadClient").path("clientId").asText(),
                ready.path("loadClient").path("clientSecret").asText(), ready.path("loadClient").path("scope").asText());
        HttpResponse<String> r = demo.httpClient().send(HttpRequest.newBuilder(URI.create(ready.path("gateway").asText()
                + ready.path("ordersPath").asText())).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(demo.service(FleetService.ORDERS).uri().toString(), ready.path("services").path("orders").path("url").asText());
    }

    @Test
    @Order(6)
    void theDemoWalkShowsEveryStepOfTheFlow() throws Exception {
        List<DemoStep> steps = new DemoWalk(demo, step -> { }).run();
        assertEquals(DemoWalk.STEPS, steps.size(), steps::toString);
        for (DemoStep step : steps) {
            assertTrue(step.ok(), () -> step.name() + ": " + step.detail());
        }
        assertTrue(steps.get(1).detail().contains("ledger (act: payments,orders)"), steps.get(1).detail());
        assertTrue(steps.get(2).detail().startsWith("403 from orders itself"), steps.get(2).detail());
        assertTrue(steps.get(3).detail().contains("bob-savings denied at ledger"), steps.get(3).detail());
        assertTrue(steps.get(5).detail().contains("[200, 200, 200, 429, 429]"), steps.get(5).detail());
        for (String hop : List.of("gateway", "orders", "payments", "ledger")) {
            assertTrue(steps.get(6).detail().contains(hop + " "), steps.get(6).detail());
        }
        assertTrue(steps.get(7).detail().contains("the gateway answers 502"), steps.get(7).detail());
        assertTrue(steps.get(8).detail().startsWith("audit chain intact"), steps.get(8).detail());
        assertTrue(demo.service(FleetService.LEDGER).metrics().contains("aegis_sdk_authz_checks_total"),
                "ledger asks the authorization engine");
        String metrics = demo.service(FleetService.ORDERS).metrics();
        assertTrue(metrics.contains("aegis_sdk_requests_total{service=\"orders\",decision=\"forbidden\"}"), metrics);
        assertTrue(metrics.contains("aegis_demo_downstream_calls_total{service=\"orders\",outcome=\"unreachable\"}"), metrics);
    }
}
