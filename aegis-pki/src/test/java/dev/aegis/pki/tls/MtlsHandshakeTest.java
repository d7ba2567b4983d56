package dev.aegis.pki.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerCheck;
import dev.aegis.sdk.api.mtls.PinPolicy;
import dev.aegis.sdk.api.mtls.RevocationList;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Real TLS 1.3 handshakes on loopback between two SDK peers: what is accepted and what is refused, and why. */
class MtlsHandshakeTest {

    final TestDomain prod = new TestDomain("prod.example.org");
    final SpiffeId backendId = prod.domain.id("/backend");
    final SpiffeId apiId = prod.domain.id("/api");

    private TlsPeer backend(PeerAuthorizer allowed) {
        return new TlsPeer(prod.svid("/backend"), allowed, Clock.systemUTC(), prod.bundle());
    }

    private TlsPeer client(X509Svid svid) {
        return new TlsPeer(svid, PeerAuthorizer.allowing(backendId), Clock.systemUTC(), prod.bundle());
    }

    private static PeerCheck.Refused lastRefusal(TlsPeer peer) {
        PeerCheck last = peer.decisions.getLast();
        return assertInstanceOf(PeerCheck.Refused.class, last);
    }

    @Test
    void handshakeSucceedsAndEachSideSeesThePeersSpiffeId() throws IOException {
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(prod.svid("/api"))) {
            int port = server.serve();
            assertEquals("hello spiffe://prod.example.org/api ping", client.call(port, "ping"));
            assertEquals(new PeerCheck.Accepted(backendId, ((PeerCheck.Accepted) client.decisions.getFirst()).serial()),
                    client.decisions.getFirst());
            assertInstanceOf(PeerCheck.Accepted.class, server.decisions.getFirst());
        }
    }

    @Test
    void secondConnectionResumesTheSessionFromTheServerCache() throws IOException {
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(prod.svid("/api"))) {
            int port = server.serve();
            client.call(port, "1");
            client.call(port, "2");
            // The trust managers ran once per side: the second handshake was an abbreviated (PSK) one.
            assertEquals(1, server.decisions.size());
            assertEquals(1, client.decisions.size());
        }
    }

    @Test
    void wrongSpiffeIdIsRefusedByTheServer() throws IOException {
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer intruder = client(prod.svid("/intruder"))) {
            int port = server.serve();
            assertThrows(IOException.class, () -> intruder.call(port, "ping"));
            assertEquals(PeerCheck.Reason.NOT_ALLOWED, lastRefusal(server).reason());
        }
    }

    @Test
    void wrongServerIdIsRefusedByTheClient() throws IOException {
        TlsPeer impostor = new TlsPeer(prod.svid("/impostor"), PeerAuthorizer.allowing(apiId), Clock.systemUTC(), prod.bundle());
        try (impostor; TlsPeer client = client(prod.svid("/api"))) {
            int port = impostor.serve();
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            assertEquals(PeerCheck.Reason.NOT_ALLOWED, lastRefusal(client).reason());
        }
    }

    @Test
    void denyByDefaultRefusesEveryone() throws IOException {
        try (TlsPeer server = backend(PeerAuthorizer.denyAll()); TlsPeer client = client(prod.svid("/api"))) {
            int port = server.serve();
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            assertEquals(PeerCheck.Reason.NOT_ALLOWED, lastRefusal(server).reason());
        }
    }

    @Test
    void expiredSvidIsRefused() throws IOException {
        X509Svid expired = prod.svid("/api", Instant.now().minus(Duration.ofHours(2)), Instant.now().minus(Duration.ofMinutes(5)));
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(expired)) {
            int port = server.serve();
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            assertEquals(PeerCheck.Reason.EXPIRED, lastRefusal(server).reason());
        }
    }

    @Test
    void revokedSerialIsRefused() throws IOException {
        X509Svid api = prod.svid("/api");
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(api)) {
            int port = server.serve();
            server.verifier.updateRevocations(new RevocationList(1, Set.of(api.serial()), Set.of()));
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            assertEquals(PeerCheck.Reason.REVOKED, lastRefusal(server).reason());
        }
    }

    private static void invalidateAll(javax.net.ssl.SSLSessionContext sessions) {
        java.util.Enumeration<byte[]> ids = sessions.getIds();
        while (ids.hasMoreElements()) {
            javax.net.ssl.SSLSession s = sessions.getSession(ids.nextElement());
            if (s != null) {
                s.invalidate();
            }
        }
    }

    @Test
    void revokedClientCannotResumeASessionEstablishedBeforeItsRevocation() throws IOException {
        X509Svid api = prod.svid("/api");
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(api)) {
            int port = server.serve();
            assertTrue(client.call(port, "before").startsWith("hello"));
            server.verifier.updateRevocations(new RevocationList(1, Set.of(api.serial()), Set.of()));
            assertThrows(IOException.class, () -> client.call(port, "after"));
        }
    }

    @Test
    void revokedWorkloadIsRefusedWhateverItsSerial() throws IOException {
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(prod.svid("/api"))) {
            int port = server.serve();
            server.verifier.updateRevocations(new RevocationList(1, Set.of(), Set.of(apiId)));
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            assertEquals(PeerCheck.Reason.REVOKED, lastRefusal(server).reason());
        }
    }

    @Test
    void pinMismatchIsRefusedAndAMatchingBackupPinIsAccepted() throws IOException {
        TestDomain other = new TestDomain("elsewhere.example");
        String wrong = PinPolicy.pinOf(other.ca.root());
        String wrongBackup = PinPolicy.pinOf(other.ca.intermediate());
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(prod.svid("/api"))) {
            int port = server.serve();
            client.verifier.updatePins(List.of(new PinPolicy(prod.domain.spiffeId(), 1, Set.of(wrong), Set.of(wrongBackup),
                    Instant.now().plus(Duration.ofDays(1)), false)));
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            assertEquals(PeerCheck.Reason.PIN_MISMATCH, lastRefusal(client).reason());
            // Version 2 keeps the wrong primary but the intermediate's key as backup: accepted.
            client.verifier.updatePins(List.of(new PinPolicy(prod.domain.spiffeId(), 2, Set.of(wrong),
                    Set.of(PinPolicy.pinOf(prod.ca.intermediate())), Instant.now().plus(Duration.ofDays(1)), false)));
            assertTrue(client.call(port, "ping").startsWith("hello"));
            // A replayed older version does not replace the newer one.
            client.verifier.updatePins(List.of(new PinPolicy(prod.domain.spiffeId(), 1, Set.of(wrong), Set.of(wrongBackup),
                    Instant.now().plus(Duration.ofDays(1)), false)));
            assertTrue(client.call(port, "ping").startsWith("hello"));
        }
    }

    @Test
    void emergencyUnpinSuspendsPinningUntilItExpires() throws IOException {
        TestDomain other = new TestDomain("elsewhere.example");
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(prod.svid("/api"))) {
            int port = server.serve();
            client.verifier.updatePins(List.of(new PinPolicy(prod.domain.spiffeId(), 1, Set.of(PinPolicy.pinOf(other.ca.root())),
                    Set.of(PinPolicy.pinOf(other.ca.intermediate())), Instant.now().plus(Duration.ofDays(1)), false)));
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            client.verifier.updatePins(List.of(new PinPolicy(prod.domain.spiffeId(), 5, Set.of(), Set.of(),
                    Instant.now().plus(Duration.ofHours(1)), true)));
            assertTrue(client.call(port, "ping").startsWith("hello"));
            // An unpin that has expired no longer suspends the pins.
            client.verifier.updatePins(List.of(new PinPolicy(prod.domain.spiffeId(), 6, Set.of(), Set.of(),
                    Instant.now().minusSeconds(1), true)));
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            assertEquals(PeerCheck.Reason.PIN_MISMATCH, lastRefusal(client).reason());
        }
    }

    @Test
    void foreignTrustDomainThatIsNotFederatedIsRefused() throws IOException {
        TestDomain partner = new TestDomain("partner.example");
        SpiffeId partnerId = partner.domain.id("/billing");
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId, partnerId));
             TlsPeer foreign = new TlsPeer(partner.svid("/billing"), PeerAuthorizer.allowing(backendId), Clock.systemUTC(),
                     partner.bundle(), prod.bundle())) {
            int port = server.serve();
            assertThrows(IOException.class, () -> foreign.call(port, "ping"));
            assertEquals(PeerCheck.Reason.UNKNOWN_TRUST_DOMAIN, lastRefusal(server).reason());
            // Once the partner's bundle is federated, its allow-listed ID is accepted.
            server.verifier.updateBundle(partner.bundle());
            assertEquals("hello spiffe://partner.example/billing ping", foreign.call(port, "ping"));
        }
    }

    @Test
    void svidSignedByAnotherDomainsCaButClaimingOurDomainIsRefused() throws IOException {
        TestDomain rogue = new TestDomain("prod.example.org"); // same name, different CA
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(rogue.svid("/api"))) {
            int port = server.serve();
            assertThrows(IOException.class, () -> client.call(port, "ping"));
            assertEquals(PeerCheck.Reason.CHAIN_INVALID, lastRefusal(server).reason());
        }
    }

    @Test
    void keyManagerSwapTakesEffectOnTheNextHandshakeWithoutRestart() throws IOException {
        try (TlsPeer server = backend(PeerAuthorizer.allowing(apiId)); TlsPeer client = client(prod.svid("/api"))) {
            int port = server.serve();
            client.call(port, "1");
            X509Svid next = prod.svid("/api");
            client.keys.update(next);
            invalidateAll(client.context.getClientSessionContext()); // a resumed session keeps the identity it proved
            client.call(port, "2");
            PeerCheck.Accepted seen = assertInstanceOf(PeerCheck.Accepted.class, server.decisions.getLast());
            assertEquals(next.serial(), seen.serial());
        }
    }
}
