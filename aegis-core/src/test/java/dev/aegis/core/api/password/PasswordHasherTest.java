package dev.aegis.core.api.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    /** Small parameters keep the suite fast; one test uses the defaults. */
    private static final Argon2Parameters SMALL = new Argon2Parameters(64, 1, 1);
    private static final Argon2Parameters STRONGER = new Argon2Parameters(128, 2, 1);

    private final PasswordHasher hasher = new PasswordHasher(SMALL);

    @Test
    void hashIsAPhcStringThatVerifies() {
        String hash = hasher.hash("correct horse".toCharArray());
        assertTrue(hash.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), hash);
        String[] parts = hash.split("\\$");
        assertEquals(6, parts.length);
        assertEquals(22, parts[4].length(), "16-byte salt, base64 without padding");
        assertEquals(43, parts[5].length(), "32-byte hash, base64 without padding");
        assertEquals(new PasswordCheck.Match(Optional.empty()), hasher.verify("correct horse".toCharArray(), hash));
    }

    @Test
    void samePasswordGetsADifferentSaltEachTime() {
        assertNotEquals(hasher.hash("pw".toCharArray()), hasher.hash("pw".toCharArray()));
    }

    @Test
    void wrongPasswordIsAMismatch() {
        String hash = hasher.hash("correct horse".toCharArray());
        assertInstanceOf(PasswordCheck.Mismatch.class, hasher.verify("correct horsf".toCharArray(), hash));
        assertInstanceOf(PasswordCheck.Mismatch.class, hasher.verify(new char[0], hash));
    }

    @Test
    void nonAsciiPasswordsAreHashedAsUtf8() {
        String hash = hasher.hash("pässwörd-密码".toCharArray());
        assertInstanceOf(PasswordCheck.Match.class, hasher.verify("pässwörd-密码".toCharArray(), hash));
        assertInstanceOf(PasswordCheck.Mismatch.class, hasher.verify("passwort-密码".toCharArray(), hash));
    }

    @Test
    void storedHashWithWeakerParametersIsRehashedWithTheCurrentOnes() {
        String old = hasher.hash("pw".toCharArray());
        PasswordHasher upgraded = new PasswordHasher(STRONGER);
        PasswordCheck check = upgraded.verify("pw".toCharArray(), old);
        PasswordCheck.Match match = assertInstanceOf(PasswordCheck.Match.class, check);
        String rehashed = match.rehashed().orElseThrow();
        assertTrue(rehashed.startsWith("$argon2id$v=19$m=128,t=2,p=1$"), rehashed);
        assertEquals(new PasswordCheck.Match(Optional.empty()), upgraded.verify("pw".toCharArray(), rehashed));
    }

    @Test
    void equalOrStrongerStoredParametersAreNotRehashed() {
        String strong = new PasswordHasher(STRONGER).hash("pw".toCharArray());
        assertEquals(new PasswordCheck.Match(Optional.empty()), hasher.verify("pw".toCharArray(), strong));
    }

    /** A row edited to demand far more memory or time than configured must not be computed (DoS via the database). */
    @Test
    void storedHashCostingMoreThanFourTimesTheConfiguredCostIsNeverComputed() {
        char[] pw = "pw".toCharArray();
        String atCeiling = new PasswordHasher(new Argon2Parameters(64 * 4, 4, 1)).hash(pw);
        assertInstanceOf(PasswordCheck.Match.class, hasher.verify(pw, atCeiling));
        String tooMuchMemory = new PasswordHasher(new Argon2Parameters(64 * 4 + 8, 1, 1)).hash(pw);
        assertInstanceOf(PasswordCheck.Mismatch.class, hasher.verify(pw, tooMuchMemory));
        String tooManyIterations = new PasswordHasher(new Argon2Parameters(64, 5, 1)).hash(pw);
        assertInstanceOf(PasswordCheck.Mismatch.class, hasher.verify(pw, tooManyIterations));
        // A 4 GiB demand within the format's own bounds is refused before any memory is allocated.
        String huge = atCeiling.replace("m=256,t=4", "m=4194304,t=4");
        assertInstanceOf(PasswordCheck.Mismatch.class, hasher.verify(pw, huge));
    }

    @Test
    void wrongPasswordNeverYieldsARehash() {
        String old = hasher.hash("pw".toCharArray());
        assertInstanceOf(PasswordCheck.Mismatch.class, new PasswordHasher(STRONGER).verify("px".toCharArray(), old));
    }

    @Test
    void malformedStoredHashesAreMismatches() {
        String good = hasher.hash("pw".toCharArray());
        String[] bad = {
            null, "", "pw", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
            good.replace("m=64", "m=-64"), good.replace("m=64", "m=64x"), good.replace(",t=1", ""),
            good.replace("m=64", "m=999999999"), good.replace("p=1", "p=0"), good.replace("t=1", "t=0"),
            good + "$", good.substring(0, good.lastIndexOf('$')), good.substring(0, good.lastIndexOf('$') + 1),
            good.replace("$argon2id", "$ARGON2ID"), good + "==", good.replace("m=64", "m=4"),
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA", "x".repeat(10_000),
        };
        for (String b : bad) {
            assertInstanceOf(PasswordCheck.Mismatch.class, hasher.verify("pw".toCharArray(), b), String.valueOf(b));
        }
    }

    @Test
    void defaultParametersAreTheOwaspMinimumAndWork() {
        Argon2Parameters d = Argon2Parameters.defaults();
        assertEquals(new Argon2Parameters(19456, 2, 1), d);
        PasswordHasher h = new PasswordHasher(d);
        String hash = h.hash("correct horse battery staple".toCharArray());
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
        assertEquals(new PasswordCheck.Match(Optional.empty()),
                h.verify("correct horse battery staple".toCharArray(), hash));
        PasswordCheck.Match m = assertInstanceOf(PasswordCheck.Match.class,
                h.verify("correct horse battery staple".toCharArray(),
                        new PasswordHasher(SMALL).hash("correct horse battery staple".toCharArray())));
        assertTrue(m.rehashed().isPresent(), "small parameters are upgraded to the defaults");
    }

    @Test
    void parametersAreValidatedAndCompared() {
        assertThrows(IllegalArgumentException.class, () -> new Argon2Parameters(7, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Argon2Parameters(64, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Argon2Parameters(64, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Argon2Parameters(8, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new Argon2Parameters(Argon2Parameters.MAX_MEMORY_KIB + 1, 1, 1));
        assertTrue(SMALL.weakerThan(STRONGER));
        assertFalse(STRONGER.weakerThan(SMALL));
        assertFalse(SMALL.weakerThan(SMALL));
        assertTrue(new Argon2Parameters(256, 1, 1).weakerThan(STRONGER), "fewer iterations is weaker");
    }
}
