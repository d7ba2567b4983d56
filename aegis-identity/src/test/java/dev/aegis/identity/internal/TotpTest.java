package dev.aegis.identity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.identity.internal.IdentityDatabase.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** TOTP against the RFC's own test vectors, base32 against RFC 4648, and the sealed per-user secrets. */
class TotpTest {
    static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    @TempDir
    Path dir;

    /** RFC 6238 Appendix B (SHA-1 rows, 8 digits). */
    @ParameterizedTest
    @CsvSource({"59,94287082", "1111111109,07081804", "1111111111,14050471", "1234567890,89005924",
            "2000000000,69279037", "20000000000,65353130"})
    void rfc6238TestVectors(long time, String expected) {
        assertEquals(Integer.parseInt(expected), Totp.hotp(RFC_KEY, Totp.step(time), 8));
    }

    /** RFC 4226 Appendix D. */
    @Test
    void rfc4226TestVectors() {
        int[] expected = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], Totp.hotp(RFC_KEY, i, 6));
        }
    }

    @Test
    void base32FollowsRfc4648() {
        assertEquals("MZXW6YTBOI", Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("MY", Totp.base32("f".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void codesMatchOneStepOfDriftOnly() {
        long now = 1_700_000_000L;
        String current = String.format("%06d", Totp.hotp(RFC_KEY, Totp.step(now), 6));
        String previous = String.format("%06d", Totp.hotp(RFC_KEY, Totp.step(now) - 1, 6));
        String old = String.format("%06d", Totp.hotp(RFC_KEY, Totp.step(now) - 3, 6));
        assertEquals(Totp.step(now), Totp.match(RFC_KEY, current, now));
        assertEquals(Totp.step(now) - 1, Totp.match(RFC_KEY, previous, now));
        assertEquals(-1, Totp.match(RFC_KEY, old, now));
        assertEquals(-1, Totp.match(RFC_KEY, "12345", now));
        assertEquals(-1, Totp.match(RFC_KEY, "12a456", now));
        assertEquals(-1, Totp.match(RFC_KEY, null, now));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void enrolledSecretsAreSealedAndCodesAreSingleUse(Backend backend) throws Exception {
        try (IdentityDatabase db = new IdentityDatabase(backend, dir)) {
            UserDirectory users = new UserDirectory(db.store, DirectoryStorageTest.FAST, db.clock);
            users.insert(new UserRecord("u-t", "tina", DirectoryStorageTest.FAST.hash("pw-tina-1234".toCharArray()),
                    Optional.empty(), Optional.empty(), Set.of(), List.of(), Map.of(), false));
            TotpSecrets totp = new TotpSecrets(db.store, db.keys, db.clock);
            assertFalse(totp.enrolled("u-t"));
            String uri = totp.enrol("u-t", "tina", "Aegis");
            assertTrue(uri.startsWith("otpauth://totp/Aegis%3Atina?secret="), uri);
            String secret = uri.substring(uri.indexOf("secret=") + 7, uri.indexOf('&'));
            byte[] key = base32Decode(secret);
            byte[] stored = db.store.inTransaction(c -> {
                try (var st = c.prepareStatement("SELECT totp_envelope FROM idp_users WHERE user_id = 'u-t'");
                     var r = st.executeQuery()) {
                    r.next();
                    return r.getBytes(1);
                }
            });
            assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains(new String(key, StandardCharsets.ISO_8859_1)),
                    "the secret is sealed, not stored");
            String code = String.format("%06d", Totp.hotp(key, Totp.step(Instant.now().getEpochSecond()), 6));
            assertTrue(totp.check("u-t", code));
            assertFalse(totp.check("u-t", code), "a code is accepted once (RFC 6238 §5.2)");
            assertFalse(totp.check("u-t", "000000".equals(code) ? "111111" : "000000"));
            assertTrue(totp.remove("u-t"));
            assertFalse(totp.enrolled("u-t"));
        }
    }

    /** The test's own base32 decoder (RFC 4648 §6), independent of the encoder under test. */
    static byte[] base32Decode(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : s.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
