package dev.aegis.core.api.password;

import dev.aegis.core.api.crypto.ConstantTime;
import dev.aegis.core.internal.PhcString;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Hashes human passwords with Argon2id (RFC 9106, BouncyCastle's implementation) in the PHC string format:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (standard base64 without padding, 16-byte salt,
 * 32-byte hash). Verification reads the parameters from the stored string and returns a rehash when they are
 * weaker than this hasher's ({@link Argon2Parameters#weakerThan}).
 *
 * <p>Stored parameters are not trusted blindly: a hash whose memory or iterations exceed {@value #CEILING_FACTOR}
 * times this hasher's is a mismatch, never computed, so a tampered row cannot make one login cost gigabytes or
 * minutes (a denial of service through the database).
 *
 * <p>Argon2id costs tens of milliseconds by design: use it for passwords only. Server-generated secrets (API
 * keys, client secrets) use {@code HmacFingerprint}.
 *
 * <p>Immutable and thread-safe. Arguments must not be {@code null}. The caller should wipe the password array
 * after use; this class does not keep it.
 */
public final class PasswordHasher {

    /** How far above this hasher's own cost a stored hash may be (an operator may have lowered the cost). */
    static final int CEILING_FACTOR = 4;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private final Argon2Parameters parameters;

    /** @param parameters cost of new hashes */
    public PasswordHasher(Argon2Parameters parameters) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    /** @return the cost of new hashes */
    public Argon2Parameters parameters() {
        return parameters;
    }

    /**
     * @param password the password (any length, UTF-8 encoded for hashing)
     * @return a PHC string with a fresh random salt
     */
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = dev.aegis.core.api.crypto.SecretBytes.random(SALT_BYTES).revealCopy();
        byte[] hash = derive(password, parameters, salt, HASH_BYTES);
        return "$argon2id$v=19$m=" + parameters.memoryKiB() + ",t=" + parameters.iterations() + ",p="
                + parameters.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * @param password the candidate password
     * @param encoded  a stored PHC string made by {@link #hash}
     * @return {@link PasswordCheck.Match} (with a rehash if the stored parameters are weaker than this hasher's)
     *         or {@link PasswordCheck.Mismatch} (also for a malformed or unsupported stored hash)
     */
    public PasswordCheck verify(char[] password, String encoded) {
        Objects.requireNonNull(password, "password");
        PhcString stored = PhcString.parse(encoded);
        if (stored == null) {
            return new PasswordCheck.Mismatch();
        }
        Argon2Parameters storedParameters;
        try {
            storedParameters = new Argon2Parameters(stored.memoryKiB(), stored.iterations(), stored.parallelism());
        } catch (IllegalArgumentException e) {
            return new PasswordCheck.Mismatch();
        }
        if (aboveCeiling(storedParameters)) {
            return new PasswordCheck.Mismatch();
        }
        byte[] expected = stored.hash();
        byte[] actual = derive(password, storedParameters, stored.salt(), expected.length);
        boolean match = ConstantTime.equals(expected, actual);
        Arrays.fill(actual, (byte) 0);
        if (!match) {
            return new PasswordCheck.Mismatch();
        }
        Optional<String> rehash = storedParameters.weakerThan(parameters) ? Optional.of(hash(password))
                : Optional.empty();
        return new PasswordCheck.Match(rehash);
    }

    private boolean aboveCeiling(Argon2Parameters stored) {
        return (long) stored.memoryKiB() > (long) CEILING_FACTOR * parameters.memoryKiB()
                || stored.iterations() > CEILING_FACTOR * parameters.iterations();
    }

    private static byte[] derive(char[] password, Argon2Parameters p, byte[] salt, int length) {
        org.bouncycastle.crypto.params.Argon2Parameters bc =
                new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                        org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                        .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                        .withMemoryAsKB(p.memoryKiB())
                        .withIterations(p.iterations())
                        .withParallelism(p.parallelism())
                        .withSalt(salt)
                        .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(bc);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    @Override
    public String toString() {
        return "PasswordHasher[argon2id, " + parameters + "]";
    }
}
