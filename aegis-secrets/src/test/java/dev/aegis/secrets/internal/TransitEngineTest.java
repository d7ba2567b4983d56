package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Transit: versions, rotate, rewrap, min_decryption_version, batch input, datakeys, tampered ciphertexts. */
class TransitEngineTest {
    static SecretsHarness h;
    static String root;

    @BeforeAll
    static void mount() {
        h = SharedHarnesses.h2();
        root = h.rootToken();
        h.call("POST", "sys/mounts/transit", root, "{\"type\":\"transit\"}");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String key() {
        String k = "k" + UUID.randomUUID().toString().replace("-", "");
        assertEquals(200, h.call("POST", "transit/keys/" + k, root, "{}").status());
        return k;
    }

    @Test
    void tamperedCiphertextIsRefused() {
        String k = key();
        String ct = h.call("POST", "transit/encrypt/" + k, root, "{\"plaintext\":\"" + b64("top secret") + "\"}")
                .data().path("ciphertext").asText();
        byte[] raw = Base64.getDecoder().decode(ct.substring("vault:v1:".length()));
        for (int i : new int[] {raw.length - 1, raw.length / 2, 20}) {
            byte[] bad = raw.clone();
            bad[i] ^= 1;
            SecretsHarness.Resp r = h.call("POST", "transit/decrypt/" + k, root,
                    "{\"ciphertext\":\"vault:v1:" + Base64.getEncoder().encodeToString(bad) + "\"}");
            assertEquals(400, r.status(), r.body());
            assertFalse(r.body().contains("top secret"));
        }
        String other = key();
        assertEquals(400, h.call("POST", "transit/decrypt/" + other, root, "{\"ciphertext\":\"" + ct + "\"}").status(),
                "a ciphertext moved to another key is refused");
        assertEquals(400, h.call("POST", "transit/decrypt/" + k, root, "{\"ciphertext\":\"" + ct
                + "\",\"context\":\"" + b64("other-tenant") + "\"}").status(), "another context is refused");
        assertEquals(400, h.call("POST", "transit/decrypt/" + k, root, "{\"ciphertext\":\"vault:v9:AAAA\"}").status());
        assertEquals(400, h.call("POST", "transit/decrypt/" + k, root, "{\"ciphertext\":\"garbage\"}").status());
    }

    @Test
    void rotateRewrapAndMinDecryptionVersion() {
        String k = key();
        String v1 = h.call("POST", "transit/encrypt/" + k, root, "{\"plaintext\":\"" + b64("hello") + "\"}")
                .data().path("ciphertext").asText();
        assertEquals(2, h.call("POST", "transit/keys/" + k + "/rotate", root, null).data().path("latest_version").asInt());
        String v2 = h.call("POST", "transit/rewrap/" + k, root, "{\"ciphertext\":\"" + v1 + "\"}").data().path("ciphertext").asText();
        assertTrue(v2.startsWith("vault:v2:"));
        assertEquals(200, h.call("POST", "transit/keys/" + k + "/config", root, "{\"min_decryption_version\":2}").status());
        SecretsHarness.Resp old = h.call("POST", "transit/decrypt/" + k, root, "{\"ciphertext\":\"" + v1 + "\"}");
        assertEquals(400, old.status(), "below min_decryption_version");
        assertEquals(b64("hello"), h.call("POST", "transit/decrypt/" + k, root, "{\"ciphertext\":\"" + v2 + "\"}")
                .data().path("plaintext").asText());
        JsonNode described = h.call("GET", "transit/keys/" + k, root, null).data();
        assertEquals(2, described.path("min_decryption_version").asInt());
        assertEquals(2, described.path("keys").size());
    }

    @Test
    void batchInputAndDataKeys() {
        String k = key();
        JsonNode batch = h.call("POST", "transit/encrypt/" + k, root, "{\"batch_input\":[{\"plaintext\":\"" + b64("a")
                + "\"},{\"plaintext\":\"" + b64("b") + "\"},{\"plaintext\":\"%%%\"}]}").data().path("batch_results");
        assertEquals(3, batch.size());
        assertTrue(batch.path(2).has("error"), "one bad item does not fail the batch");
        JsonNode dec = h.call("POST", "transit/decrypt/" + k, root, "{\"batch_input\":[{\"ciphertext\":\""
                + batch.path(0).path("ciphertext").asText() + "\"},{\"ciphertext\":\"" + batch.path(1).path("ciphertext").asText()
                + "\"}]}").data().path("batch_results");
        assertEquals(b64("a"), dec.path(0).path("plaintext").asText());
        assertEquals(b64("b"), dec.path(1).path("plaintext").asText());

        JsonNode plain = h.call("POST", "transit/datakey/plaintext/" + k, root, "{}").data();
        assertEquals(32, Base64.getDecoder().decode(plain.path("plaintext").asText()).length);
        assertEquals(plain.path("plaintext").asText(), h.call("POST", "transit/decrypt/" + k, root,
                "{\"ciphertext\":\"" + plain.path("ciphertext").asText() + "\"}").data().path("plaintext").asText());
        JsonNode wrapped = h.call("POST", "transit/datakey/wrapped/" + k, root, "{\"bits\":128}").data();
        assertFalse(wrapped.has("plaintext"), "a wrapped data key never shows its plaintext");
        assertTrue(wrapped.path("ciphertext").asText().startsWith("vault:v1:"));
    }
}
