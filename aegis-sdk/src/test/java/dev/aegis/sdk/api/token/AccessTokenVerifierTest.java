package dev.aegis.sdk.api.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.jwt.TokenError;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import dev.aegis.sdk.api.events.EventFeed;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's verifier against a real HTTP issuer stub (JDK HttpServer on loopback) that serves a JWKS and the
 * event stream in the wire format of the Aegis control plane; tokens are signed by aegis-core's signer.
 */
class AccessTokenVerifierTest {
    static final String AUDIENCE = "orders";

    private final SigningKey key = activeKey("k1");
    private final JwtSigner signer = new JwtSigner(() -> KeyRing.of(List.of(key)));
    private final BlockingQueue<String> streamFrames = new LinkedBlockingQueue<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final AtomicInteger streamConnections = new AtomicInteger();
    private HttpServer server;
    private String issuer;
    private final HttpClient http = HttpClient.newHttpClient();

    static SigningKey activeKey(String kid) {
        Instant t = Instant.now().minusSeconds(60);
        return SigningKey.generate(SigningAlgorithm.ES256, KeyId.of(kid), t).activate(t);
    }

    @BeforeEach
    void startIssuer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            jwksFetches.incrementAndGet();
            byte[] body = KeyRing.of(List.of(key)).publicJwkSetJson().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Cache-Control", "public, max-age=300");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/events/v1/stream", exchange -> {
            streamConnections.incrementAndGet();
            if (!"Bearer feed-credential".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(": aegis event stream\n\nevent: stream.ready\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                while (true) {
                    String frame = streamFrames.poll(100, TimeUnit.MILLISECONDS);
                    if (frame != null) {
                        out.write(frame.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            } catch (InterruptedException | IOException e) {
                // client left or server stopping
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopIssuer() {
        server.stop(0);
    }

    private AccessTokenVerifier verifier() {
        return AccessTokenVerifier.create(issuer, AUDIENCE,
                RemoteJwks.fetch(http, URI.create(issuer + "/.well-known/jwks.json")), Clock.systemUTC());
    }

    private String token(String jti, String audience, Duration lifetime, Map<String, Object> extra) {
        Instant now = Instant.now();
        JwtClaims.Builder claims = JwtClaims.builder().issuer(issuer).subject("alice").audience(audience)
                .issuedAt(now).notBefore(now).expiresAt(now.plus(lifetime)).jwtId(jti)
                .claim("client_id", "web").claim("scope", "orders:read orders:write");
        extra.forEach(claims::claim);
        return signer.sign(claims.build(), AccessTokenVerifier.ACCESS_TOKEN_TYPE);
    }

    @Test
    void aValidTokenIsAcceptedOnceVerifiedAndThenServedFromTheCache() {
        AccessTokenVerifier verifier = verifier();
        String t = token("jti-1", AUDIENCE, Duration.ofMinutes(5), Map.of("roles", List.of("editor")));
        AccessToken accepted = assertInstanceOf(AccessTokenCheck.Accepted.class, verifier.verify(t)).token();
        assertEquals("alice", accepted.subject());
        assertEquals("web", accepted.clientId());
        assertTrue(accepted.hasScopes(List.of("orders:read")));
        assertTrue(accepted.hasRoles(List.of("editor")));
        assertEquals(1, verifier.cachedTokens());
        assertInstanceOf(AccessTokenCheck.Accepted.class, verifier.verify(t));
        assertEquals(1, jwksFetches.get(), "keys are fetched once, not per token");
    }

    @Test
    void tokensForAnotherAudienceIssuerOrTypeAreRefused() {
        AccessTokenVerifier verifier = verifier();
        assertRefused(TokenError.WRONG_AUDIENCE, verifier.verify(token("a", "payments", Duration.ofMinutes(5), Map.of())));
        Instant now = Instant.now();
        String idToken = signer.sign(JwtClaims.builder().issuer(issuer).subject("alice").audience(AUDIENCE)
                .issuedAt(now).expiresAt(now.plusSeconds(60)).jwtId("b").build(), "JWT");
        assertRefused(TokenError.WRONG_TYPE, verifier.verify(idToken));
        String foreign = signer.sign(JwtClaims.builder().issuer("https://evil.example").subject("alice").audience(AUDIENCE)
                .issuedAt(now).expiresAt(now.plusSeconds(60)).jwtId("c").build(), AccessTokenVerifier.ACCESS_TOKEN_TYPE);
        assertRefused(TokenError.WRONG_ISSUER, verifier.verify(foreign));
        assertEquals(0, verifier.cachedTokens(), "refused tokens are never cached");
    }

    @Test
    void aTokenSignedByAnUnknownKeyIsRefusedAndCannotFloodTheJwksEndpoint() {
        AccessTokenVerifier verifier = verifier();
        JwtSigner stranger = new JwtSigner(() -> KeyRing.of(List.of(activeKey("stranger"))));
        Instant now = Instant.now();
        for (int i = 0; i < 50; i++) {
            String forged = stranger.sign(JwtClaims.builder().issuer(issuer).subject("mallory").audience(AUDIENCE)
                    .issuedAt(now).expiresAt(now.plusSeconds(60)).jwtId("f" + i).build(), AccessTokenVerifier.ACCESS_TOKEN_TYPE);
            assertRefused(TokenError.UNKNOWN_KEY, verifier.verify(forged));
        }
        assertTrue(jwksFetches.get() <= 2, "unknown kids refresh the JWKS at most once per interval: " + jwksFetches.get());
    }

    @Test
    void aRevocationFromTheEventStreamRefusesACachedTokenAtOnce() throws Exception {
        AccessTokenVerifier verifier = verifier();
        String t = token("jti-revoked", AUDIENCE, Duration.ofMinutes(5), Map.of());
        assertInstanceOf(AccessTokenCheck.Accepted.class, verifier.verify(t));
        try (EventFeed feed = EventFeed.start(http, URI.create(issuer), List.of("token.revoked"), () -> "feed-credential",
                event -> { })) {
            verifier.followRevocations(feed);
            assertTrue(feed.awaitCaughtUp(Duration.ofSeconds(5)));
            long exp = Instant.now().plusSeconds(300).getEpochSecond();
            streamFrames.add("id: 7\nevent: token.revoked\ndata: {\"seq\":7,\"topic\":\"token.revoked\",\"subject\":\"jti-revoked\","
                    + "\"attributes\":{\"exp\":\"" + exp + "\"}}\n\n");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            // The feed records the event's id once its listeners have run, so wait for both.
            while ((verifier.verify(t) instanceof AccessTokenCheck.Accepted || feed.lastEventId() != 7)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertRefused(TokenError.REVOKED, verifier.verify(t));
            assertEquals(7, feed.lastEventId());
            assertInstanceOf(AccessTokenCheck.Accepted.class,
                    verifier.verify(token("jti-other", AUDIENCE, Duration.ofMinutes(5), Map.of())), "only that jti");
        }
    }

    @Test
    void anExpiredTokenIsRefusedEvenAfterItWasCached() {
        Instant t0 = Instant.now();
        MutableClock clock = new MutableClock(t0);
        AccessTokenVerifier verifier = AccessTokenVerifier.create(issuer, AUDIENCE,
                RemoteJwks.fetch(http, URI.create(issuer + "/.well-known/jwks.json")), clock);
        String t = token("short", AUDIENCE, Duration.ofSeconds(30), Map.of());
        assertInstanceOf(AccessTokenCheck.Accepted.class, verifier.verify(t));
        clock.now = t0.plusSeconds(30).plus(Duration.ofMinutes(6)); // past exp and the largest allowed skew
        assertRefused(TokenError.EXPIRED, verifier.verify(t));
    }

    @Test
    void aSenderConstrainedTokenIsNotAcceptedAsAPlainBearerToken() {
        AccessTokenVerifier verifier = verifier();
        String bound = token("bound", AUDIENCE, Duration.ofMinutes(5), Map.of("cnf", Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")));
        assertRefused(TokenError.MISSING_CLAIM, verifier.verify(bound));
        AccessToken token = assertInstanceOf(AccessTokenCheck.Accepted.class, verifier.verifyAnyBinding(bound)).token();
        assertEquals("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", token.dpopThumbprint().orElseThrow());
    }

    @Test
    void tamperedAndMalformedTokensAreRefused() {
        AccessTokenVerifier verifier = verifier();
        String t = token("x", AUDIENCE, Duration.ofMinutes(5), Map.of());
        String tampered = t.substring(0, t.indexOf('.') + 1) + "eyJzdWIiOiJtYWxsb3J5In0" + t.substring(t.lastIndexOf('.'));
        assertInstanceOf(AccessTokenCheck.Refused.class, verifier.verify(tampered));
        assertRefused(TokenError.MALFORMED, verifier.verify(""));
        assertRefused(TokenError.MALFORMED, verifier.verify("not-a-jwt"));
        assertRefused(TokenError.TOO_LARGE, verifier.verify("a".repeat(20_000)));
    }

    @Test
    void theFeedReconnectsAndResumesAfterTheServerDropsIt() throws Exception {
        AtomicInteger received = new AtomicInteger();
        try (EventFeed feed = EventFeed.start(http, URI.create(issuer), List.of(), () -> "feed-credential",
                e -> received.incrementAndGet())) {
            assertTrue(feed.awaitCaughtUp(Duration.ofSeconds(5)));
            streamFrames.add("id: 3\nevent: svid.revoked\ndata: {\"subject\":\"0a\",\"attributes\":{}}\n\n");
            awaitCount(received, 1);
            int before = streamConnections.get();
            server.stop(0); // the control plane goes away ...
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", URI.create(issuer).getPort()), 0);
            AtomicInteger lastEventIdSeen = new AtomicInteger(-1);
            server.createContext("/events/v1/stream", exchange -> {
                lastEventIdSeen.set(Integer.parseInt(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(("event: stream.ready\ndata: {}\n\n"
                        + "id: 3\nevent: svid.revoked\ndata: {\"subject\":\"0a\",\"attributes\":{}}\n\n"
                        + "id: 4\nevent: svid.revoked\ndata: {\"subject\":\"0b\",\"attributes\":{}}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            });
            server.start(); // ... and comes back: the feed resumes from its last id and skips what it saw
            awaitCount(received, 2);
            assertEquals(3, lastEventIdSeen.get());
            assertEquals(4, feed.lastEventId());
            assertTrue(before >= 1);
        }
    }

    private static void awaitCount(AtomicInteger counter, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (counter.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, counter.get());
    }

    private static void assertRefused(TokenError expected, AccessTokenCheck check) {
        AccessTokenCheck.Refused refused = assertInstanceOf(AccessTokenCheck.Refused.class, check);
        assertEquals(expected, refused.error(), refused.detail());
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
