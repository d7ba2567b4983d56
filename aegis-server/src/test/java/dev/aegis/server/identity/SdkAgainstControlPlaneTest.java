package dev.aegis.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.core.api.jwt.TokenError;
import dev.aegis.sdk.api.audit.AuditClient;
import dev.aegis.sdk.api.audit.ServiceAuditEvent;
import dev.aegis.sdk.api.events.EventFeed;
import dev.aegis.sdk.api.token.AccessTokenCheck;
import dev.aegis.sdk.api.token.AccessTokenVerifier;
import dev.aegis.sdk.api.token.RemoteJwks;
import dev.aegis.sdk.api.token.TokenEndpointClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service SDK against a real control plane over HTTP: a service gets its own token (client credentials),
 * follows the event stream and sends audit batches with it, verifies a caller's token locally, exchanges it for
 * a downstream one (RFC 8693), and sees a revocation refuse the token — at the SDK, the event stream and the
 * audit ingestion alike.
 */
class SdkAgainstControlPlaneTest {
    @TempDir
    Path dataDir;

    @Test
    void aServiceVerifiesFollowsRevocationsAuditsAndExchangesWithTheSdk() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dataDir)) {
            String issuer = aegis.server.baseUrl();
            JsonNode orders = aegis.createClient("{\"client_id\":\"orders\",\"grant_types\":[\"client_credentials\","
                    + "\"urn:ietf:params:oauth:grant-type:token-exchange\"],\"scopes\":[\"aegis:events\",\"aegis:audit\","
                    + "\"orders:read\",\"payments:charge\"],\"audiences\":[\"" + issuer + "\",\"orders\",\"payments\"]}");
            JsonNode web = aegis.createClient("{\"client_id\":\"web\",\"grant_types\":[\"client_credentials\"],"
                    + "\"scopes\":[\"orders:read\",\"payments:charge\"],\"audiences\":[\"orders\"]}");
            HttpClient http = HttpClient.newHttpClient();
            TokenEndpointClient ordersClient = new TokenEndpointClient(http, URI.create(issuer + "/oauth2/token"), "orders",
                    SecretBytes.copyOf(orders.get("client_secret").asText().getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
            TokenEndpointClient webClient = new TokenEndpointClient(http, URI.create(issuer + "/oauth2/token"), "web",
                    SecretBytes.copyOf(web.get("client_secret").asText().getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());

            AccessTokenVerifier verifier = AccessTokenVerifier.create(issuer, "orders",
                    RemoteJwks.fetch(http, URI.create(issuer + "/.well-known/jwks.json")), Clock.systemUTC());
            try (EventFeed feed = EventFeed.start(http, URI.create(issuer), List.of("token.revoked"),
                         () -> ordersClient.serviceToken("aegis:events"), e -> { });
                 AuditClient audit = AuditClient.start(http, URI.create(issuer),
                         () -> ordersClient.serviceToken("aegis:audit"), AuditClient.Settings.defaults())) {
                verifier.followRevocations(feed);
                assertTrue(feed.awaitCaughtUp(Duration.ofSeconds(10)), "the service's token opens the event stream");

                String callerToken = webClient.serviceToken("orders:read payments:charge");
                AccessTokenCheck.Accepted accepted = assertInstanceOf(AccessTokenCheck.Accepted.class, verifier.verify(callerToken));
                assertEquals("web", accepted.token().clientId());
                assertTrue(audit.record(ServiceAuditEvent.allow("orders.read", "web", "/orders", "req-1")));

                // The confused-deputy cure: a token for payments only, narrowed, naming orders in act.
                String downstream = ordersClient.exchange(callerToken, "payments", "payments:charge");
                AccessTokenVerifier paymentsVerifier = AccessTokenVerifier.create(issuer, "payments",
                        RemoteJwks.fetch(http, URI.create(issuer + "/.well-known/jwks.json")), Clock.systemUTC());
                AccessTokenCheck.Accepted exchanged = assertInstanceOf(AccessTokenCheck.Accepted.class,
                        paymentsVerifier.verify(downstream));
                assertEquals(java.util.Set.of("payments:charge"), exchanged.token().scopes());
                assertTrue(exchanged.token().claims().claim("act").isPresent(), "act names the acting service");
                assertInstanceOf(AccessTokenCheck.Refused.class, verifier.verify(downstream), "not valid at orders");

                // Revoke the caller's token: the SDK refuses it through the event stream.
                long start = System.nanoTime();
                HttpResponse<String> revoked = aegis.form("/oauth2/revoke", "token=" + callerToken,
                        "Authorization", IdentityServer.basic("web", web.get("client_secret").asText()));
                assertEquals(200, revoked.statusCode());
                while (verifier.verify(callerToken) instanceof AccessTokenCheck.Accepted
                        && System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
                    Thread.sleep(5);
                }
                AccessTokenCheck.Refused refused = assertInstanceOf(AccessTokenCheck.Refused.class, verifier.verify(callerToken));
                assertEquals(TokenError.REVOKED, refused.error());
                // How fast (well under a second) is measured by the revocation benchmark, not asserted here.
                audit.close(Duration.ofSeconds(5));
                assertEquals(1, audit.sent());
            }
        }
    }

    @Test
    void aRevokedServiceTokenNoLongerOpensTheEventStreamOrTheAuditTrail() throws Exception {
        try (IdentityServer aegis = IdentityServer.start(dataDir)) {
            String issuer = aegis.server.baseUrl();
            JsonNode svc = aegis.createClient("{\"client_id\":\"svc\",\"grant_types\":[\"client_credentials\"],"
                    + "\"scopes\":[\"aegis:events\",\"aegis:audit\",\"other\"]}");
            String secret = svc.get("client_secret").asText();
            HttpResponse<String> issued = aegis.form("/oauth2/token", "grant_type=client_credentials&scope=aegis:events",
                    "Authorization", IdentityServer.basic("svc", secret));
            String token = IdentityServer.JSON.readTree(issued.body()).get("access_token").asText();
            HttpResponse<String> other = aegis.form("/oauth2/token", "grant_type=client_credentials&scope=other",
                    "Authorization", IdentityServer.basic("svc", secret));
            String wrongScope = IdentityServer.JSON.readTree(other.body()).get("access_token").asText();

            assertEquals(401, aegis.get("/events/v1/stream?topics=x", "Authorization", "Bearer " + wrongScope).statusCode(),
                    "a token without aegis:events");
            assertEquals(200, aegis.form("/oauth2/revoke", "token=" + token, "Authorization", IdentityServer.basic("svc", secret))
                    .statusCode());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int status;
            do {
                status = aegis.get("/events/v1/stream?topics=x", "Authorization", "Bearer " + token).statusCode();
            } while (status != 401 && System.nanoTime() < deadline);
            assertEquals(401, status, "a revoked token no longer opens the event stream");
        }
    }
}
