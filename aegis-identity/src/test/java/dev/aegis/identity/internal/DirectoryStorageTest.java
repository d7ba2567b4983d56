package dev.aegis.identity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.core.api.password.Argon2Parameters;
import dev.aegis.core.api.password.PasswordHasher;
import dev.aegis.identity.internal.IdentityDatabase.Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Clients, users and groups on H2 and PostgreSQL. */
class DirectoryStorageTest {
    /** Cheap Argon2id for tests (the real default costs tens of milliseconds on purpose). */
    static final PasswordHasher FAST = new PasswordHasher(new Argon2Parameters(1024, 1, 1));
    @TempDir
    Path dir;

    static ClientRecord client(String id, Optional<String> secretHash) {
        return new ClientRecord(id, id, true, ClientRecord.SECRET_BASIC, secretHash, Set.of(GrantTypes.CLIENT_CREDENTIALS),
                Set.of("api:read"), List.of(), List.of("orders-api"), Duration.ofMinutes(5), Duration.ofDays(1), false, false,
                Optional.empty(), List.of());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void clientsAreStoredWithTheSecretFingerprintOnly(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            ClientRegistry clients = new ClientRegistry(db.store, db.pepper, db.clock);
            String secret = ClientRegistry.newSecret();
            assertEquals(43, secret.length(), "256 bits, base64url");
            assertTrue(clients.insert(client("svc", Optional.of(clients.fingerprint(secret)))).isPresent());
            assertTrue(clients.insert(client("svc", Optional.of(clients.fingerprint(secret)))).isEmpty(), "ids are unique");
            ClientRecord loaded = clients.find("svc").orElseThrow();
            assertEquals(List.of("orders-api"), loaded.audiences());
            assertEquals(clients.fingerprint(secret), loaded.secretHash().orElseThrow());
            assertEquals(0, db.count("SELECT COUNT(*) FROM idp_clients WHERE secret_hash = '" + secret + "'"));
            assertTrue(clients.replaceSecretHash("svc", clients.fingerprint("other")));
            assertEquals(clients.fingerprint("other"), clients.find("svc").orElseThrow().secretHash().orElseThrow(),
                    "the cache sees this node's changes at once");
            assertEquals(1, clients.list().size());
            assertTrue(clients.delete("svc"));
            assertTrue(clients.find("svc").isEmpty());
            assertTrue(clients.find("not valid id!").isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void usersWithGroupsAndAttributesAndConstantCostAuthentication(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            UserDirectory users = new UserDirectory(db.store, FAST, db.clock);
            assertTrue(users.createGroup("eng", "Engineering"));
            assertFalse(users.createGroup("eng", "again"));
            UserRecord alice = new UserRecord("u-alice", "alice", FAST.hash("pw-alice-123".toCharArray()),
                    Optional.of("alice@example.com"), Optional.empty(), Set.of("reader"), List.of("eng"),
                    Map.of("department", "eng", "clearance", "secret"), false);
            assertTrue(users.insert(alice).isPresent());
            UserRecord loaded = users.byUsername("alice").orElseThrow();
            assertEquals(List.of("eng"), loaded.groups());
            assertEquals("secret", loaded.attributes().get("clearance"));
            assertEquals("u-alice", users.authenticate("alice", "pw-alice-123".toCharArray()).orElseThrow().userId());
            assertTrue(users.authenticate("alice", "wrong".toCharArray()).isEmpty());
            assertTrue(users.authenticate("nobody", "pw-alice-123".toCharArray()).isEmpty());
            assertFalse(loaded.toString().contains("argon2"), "toString never shows the hash");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aUserWithAnUnknownGroupIsNotCreatedAtAll(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            UserDirectory users = new UserDirectory(db.store, FAST, db.clock);
            UserRecord bob = new UserRecord("u-bob", "bob", FAST.hash("pw-bob-1234".toCharArray()), Optional.empty(),
                    Optional.empty(), Set.of(), List.of("missing"), Map.of(), false);
            assertThrows(UserDirectory.UnknownGroupException.class, () -> users.insert(bob));
            assertTrue(users.byUsername("bob").isEmpty(), "the insert was rolled back");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void disabledUsersCannotAuthenticate(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            UserDirectory users = new UserDirectory(db.store, FAST, db.clock);
            users.insert(new UserRecord("u-x", "xavier", FAST.hash("pw-xavier-1".toCharArray()), Optional.empty(),
                    Optional.empty(), Set.of(), List.of(), Map.of(), true));
            assertTrue(users.authenticate("xavier", "pw-xavier-1".toCharArray()).isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void thePepperIsStableAcrossRestarts(Backend backend) throws Exception {
        String first;
        java.nio.file.Path sub = dir.resolve("p");
        try (IdentityDatabase db = new IdentityDatabase(backend, sub)) {
            first = db.pepper.of("secret");
            assertEquals(first, IdentityPepper.load(db.keys, db.clock).of("secret"));
        }
        assertTrue(first.startsWith("hmac-sha256:"));
    }
}
