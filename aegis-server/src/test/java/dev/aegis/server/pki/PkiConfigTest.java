package dev.aegis.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigException;
import dev.aegis.server.config.ConfigLoader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pki.* configuration keys and the mTLS listener's start-up failure. */
class PkiConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAndOverrides() {
        var pki = ConfigLoader.load(Optional.empty(), Map.of(), Map.of()).pki();
        assertEquals("aegis.local", pki.trustDomain());
        assertEquals(8444, pki.mtlsPort());
        assertEquals(Duration.ofHours(1), pki.svidTtl());
        var env = ConfigLoader.load(Optional.empty(), Map.of("AEGIS_PKI_TRUST_DOMAIN", "prod.example.org"), Map.of()).pki();
        assertEquals("prod.example.org", env.trustDomain());
    }

    @Test
    void invalidValuesNameTheirKey() {
        ConfigException domain = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("pki.trust-domain", "Prod.Example")));
        assertTrue(domain.getMessage().startsWith("pki.trust-domain"), domain.getMessage());
        ConfigException ttl = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("pki.svid-ttl", "48h")));
        assertTrue(ttl.getMessage().startsWith("pki.svid-ttl"), ttl.getMessage());
        ConfigException rotation = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("pki.ca.rotation-period", "1h", "pki.ca.publish-ahead", "2h")));
        assertTrue(rotation.getMessage().startsWith("pki.ca.rotation-period"), rotation.getMessage());
    }

    @Test
    void startFailsClearlyWhenTheMtlsPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("data-dir", dir.toString(), "server.port", "0",
                    "pki.mtls.port", Integer.toString(taken.getLocalPort()), "server.shutdown-grace", "1s"));
            AegisServer.StartupException e = assertThrows(AegisServer.StartupException.class,
                    () -> AegisServer.start(config, Clock.systemUTC()));
            assertTrue(e.getMessage().contains("pki.mtls.port"), e.getMessage());
        }
    }
}
