package dev.aegis.identity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.identity.internal.IdentityDatabase.Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The grant tables on H2 and PostgreSQL: refresh token rotation and family revocation, single-use
 * authorization codes, device code polling, the revocation list, sessions and consents; races between two uses
 * of one token or code (exactly one wins, under the row lock).
 */
class GrantStorageTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void refreshTokensRotateAndReuseRevokesTheFamily(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            RefreshTokens tokens = new RefreshTokens(db.store, db.pepper, db.clock);
            String first = tokens.issue("c1", "u1", Set.of("openid"), Instant.now(), null, Duration.ofHours(1), "fam-1");
            assertEquals(0, db.count("SELECT COUNT(*) FROM idp_refresh_tokens WHERE token_hash = '" + first + "'"),
                    "only the fingerprint is stored");
            RefreshTokens.Rotated rotated = assertInstanceOf(RefreshTokens.Rotated.class, tokens.use(first, "c1", Duration.ofHours(1)));
            assertEquals("u1", rotated.grant().userId());
            tokens.recordAccessToken(rotated.newHash(), "jti-2", Instant.now().plusSeconds(300));
            assertInstanceOf(RefreshTokens.Invalid.class, tokens.use(rotated.newToken(), "other-client", Duration.ofHours(1)));
            RefreshTokens.Reused reused = assertInstanceOf(RefreshTokens.Reused.class, tokens.use(first, "c1", Duration.ofHours(1)));
            assertEquals("fam-1", reused.familyId());
            assertEquals(List.of("jti-2"), reused.accessJtis().stream().map(RefreshTokens.RevokedAccess::jti).toList());
            assertInstanceOf(RefreshTokens.Invalid.class, tokens.use(rotated.newToken(), "c1", Duration.ofHours(1)),
                    "the successor died with its family");
            assertNull(tokens.active(rotated.newToken()));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void twoConcurrentUsesOfOneRefreshTokenRotateOnlyOnce(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            RefreshTokens tokens = new RefreshTokens(db.store, db.pepper, db.clock);
            String token = tokens.issue("c1", "u1", Set.of("openid"), Instant.now(), null, Duration.ofHours(1), "fam-2");
            List<RefreshTokens.Use> results = race(8, () -> tokens.use(token, "c1", Duration.ofHours(1)));
            assertEquals(1, results.stream().filter(r -> r instanceof RefreshTokens.Rotated).count(), results.toString());
            // The first loser detects the reuse and revokes the family; later ones find it revoked.
            assertEquals(1, results.stream().filter(r -> r instanceof RefreshTokens.Reused).count(), results.toString());
            assertEquals(6, results.stream().filter(r -> r instanceof RefreshTokens.Invalid).count());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void authorizationCodesAreSingleUseEvenUnderARace(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            AuthorizationCodes codes = new AuthorizationCodes(db.store, db.pepper, db.clock);
            String verifier = "v".repeat(43);
            String code = codes.create("c1", "u1", "https://app/cb", Set.of("openid"), "n", AuthorizationCodes.Pkce.s256(verifier),
                    Instant.now());
            List<AuthorizationCodes.Redemption> results = race(6, () -> codes.redeem(code, "c1", "https://app/cb", verifier));
            assertEquals(1, results.stream().filter(r -> r instanceof AuthorizationCodes.Redeemed).count(), results.toString());
            assertEquals(5, results.stream().filter(r -> r instanceof AuthorizationCodes.Replayed).count());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void authorizationCodeChecksClientRedirectUriAndPkce(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            AuthorizationCodes codes = new AuthorizationCodes(db.store, db.pepper, db.clock);
            String verifier = "abcdefghijklmnopqrstuvwxyz0123456789-._~ABCDEFG";
            String challenge = AuthorizationCodes.Pkce.s256(verifier);
            String c1 = codes.create("c1", "u1", "https://app/cb", Set.of(), null, challenge, Instant.now());
            assertEquals("code issued to another client", ((AuthorizationCodes.Refused) codes.redeem(c1, "c2", "https://app/cb", verifier)).reason());
            assertEquals("redirect_uri mismatch", ((AuthorizationCodes.Refused) codes.redeem(c1, "c1", "https://app/cb2", verifier)).reason());
            String c2 = codes.create("c1", "u1", "https://app/cb", Set.of(), null, challenge, Instant.now());
            assertEquals("PKCE mismatch (RFC 7636 §4.6)", ((AuthorizationCodes.Refused) codes.redeem(c2, "c1", "https://app/cb",
                    verifier.replace('a', 'b'))).reason());
            String c3 = codes.create("c1", "u1", "https://app/cb", Set.of(), null, challenge, Instant.now());
            assertEquals("PKCE verifier malformed (RFC 7636 §4.1)", ((AuthorizationCodes.Refused) codes.redeem(c3, "c1",
                    "https://app/cb", "short")).reason());
            assertEquals("unknown code", ((AuthorizationCodes.Refused) codes.redeem("nope", "c1", "https://app/cb", verifier)).reason());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void deviceCodesPollWithSlowDownAndAreUsedOnce(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            DeviceCodes devices = new DeviceCodes(db.store, db.pepper, db.clock);
            DeviceCodes.Created created = devices.create("tv", Set.of("media:play"));
            assertTrue(created.userCode().matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}"), created.userCode());
            assertInstanceOf(DeviceCodes.Pending.class, devices.poll(created.deviceCode(), "tv"));
            assertInstanceOf(DeviceCodes.SlowDown.class, devices.poll(created.deviceCode(), "tv"));
            assertInstanceOf(DeviceCodes.Invalid.class, devices.poll(created.deviceCode(), "other"));
            assertEquals("tv", devices.pending(created.userCode().toLowerCase()).clientId(), "user codes are case-insensitive");
            assertTrue(devices.decide(created.userCode(), "u1", Instant.now(), true));
            assertFalse(devices.decide(created.userCode(), "u2", Instant.now(), true), "decided once");
            assertEquals("u1", assertInstanceOf(DeviceCodes.Approved.class, devices.poll(created.deviceCode(), "tv")).userId());
            assertInstanceOf(DeviceCodes.Invalid.class, devices.poll(created.deviceCode(), "tv"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void revocationsArePersistedPublishedAndReloaded(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            List<String> published = new ArrayList<>();
            RevocationList list = new RevocationList(db.store, db.clock, (jti, exp, client) -> published.add(jti + "@" + client));
            assertTrue(list.revoke("jti-1", Instant.now().plusSeconds(600), "c1"));
            assertFalse(list.revoke("jti-1", Instant.now().plusSeconds(600), "c1"), "idempotent");
            assertEquals(List.of("jti-1@c1"), published, "published once");
            RevocationList reloaded = new RevocationList(db.store, db.clock, (a, b, c) -> { });
            assertTrue(reloaded.isRevoked("jti-1"), "a restart remembers");
            assertFalse(reloaded.isRevoked("jti-2"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void sessionsAndConsents(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            Sessions sessions = new Sessions(db.store, db.pepper, db.clock, Duration.ofHours(1));
            String id = sessions.create("u1", Instant.now());
            assertEquals("u1", sessions.find(id).userId());
            sessions.delete(id);
            assertNull(sessions.find(id));
            assertFalse(sessions.consented("u1", "c1", Set.of("a")));
            sessions.consent("u1", "c1", Set.of("a"));
            sessions.consent("u1", "c1", Set.of("b"));
            assertTrue(sessions.consented("u1", "c1", Set.of("a", "b")), "consents widen");
            assertFalse(sessions.consented("u1", "c1", Set.of("c")));
        }
    }

    static <T> List<T> race(int n, Callable<T> task) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }
}
