package dev.aegis.examples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.examples.api.FleetService;
import dev.aegis.examples.api.ServiceSettings;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Settings that would weaken a hop cannot be built. */
class ServiceSettingsTest {
    private static final SecretBytes S = SecretBytes.copyOf("join-token-value".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    private static ServiceSettings settings(FleetService service, String controlPlane, Optional<URI> next, Optional<String> store) {
        return new ServiceSettings(service, "127.0.0.1", 0, URI.create(controlPlane), URI.create("https://127.0.0.1:8444"),
                Path.of("ca.pem"), TrustDomain.of("aegis.local"), S, S, next, store);
    }

    @Test
    void everyHopIsHttps() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(FleetService.LEDGER, "http://127.0.0.1:8443", Optional.empty(), Optional.of("s")));
        assertEquals("controlPlane must be an https URL (every hop is TLS)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings(FleetService.PAYMENTS, "https://127.0.0.1:8443",
                Optional.of(URI.create("http://127.0.0.1:1")), Optional.empty()));
    }

    @Test
    void theChainIsCompleteAndLedgerCannotRunWithoutItsRelationshipCheck() {
        assertEquals("orders needs the URL of payments", assertThrows(IllegalArgumentException.class,
                () -> settings(FleetService.ORDERS, "https://127.0.0.1:8443", Optional.empty(), Optional.empty())).getMessage());
        assertEquals("ledger needs the authorization store of its account relationships", assertThrows(IllegalArgumentException.class,
                () -> settings(FleetService.LEDGER, "https://127.0.0.1:8443", Optional.empty(), Optional.empty())).getMessage());
    }

    @Test
    void aMissingEnvironmentVariableIsNamed() {
        assertEquals("environment variable AEGIS_URL is required", assertThrows(IllegalArgumentException.class,
                () -> ServiceSettings.fromEnvironment(FleetService.ORDERS, Map.of())).getMessage());
    }

    @Test
    void secretsAreRedactedWhenTheSettingsArePrinted() {
        String text = settings(FleetService.LEDGER, "https://127.0.0.1:8443", Optional.empty(), Optional.of("s")).toString();
        assertEquals(-1, text.indexOf("join-token-value"), text);
        assertEquals(true, text.contains("joinToken=SecretBytes[redacted"), text);
    }
}
