package dev.aegis.store.api;

import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.spi.RootKeyProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * The root key in a local file: the single-node {@link RootKeyProvider}. On first start a random 256-bit key is
 * written; afterwards the file is loaded and checked.
 *
 * <p>File format, one line of text: {@code aegis-root-key v1 <key> <check>}, where {@code key} is the 32 key
 * bytes in base64url without padding (RFC 4648 §5) and {@code check} the first 4 bytes of SHA-256 of the key in
 * hex, so a truncated or damaged file is reported as such instead of silently yielding a different key.
 *
 * <p>Protection: the file is created with permissions {@code 0600} from the first byte (a temporary file
 * created with those permissions, then hard-linked into place, which fails instead of replacing a key another
 * process wrote at the same moment), and a file readable or writable by group or others is refused. Requires a
 * POSIX file system. Back the file up: without it the stored keys cannot be decrypted.
 *
 * <p>Immutable and thread-safe; the key is read once, at {@link #openOrCreate}.
 */
public final class RootKeyFile implements RootKeyProvider {

    /** Root key length: AES-256. */
    public static final int KEY_BYTES = 32;

    private static final String MAGIC = "aegis-root-key";
    private static final String VERSION = "v1";
    private static final int CHECK_BYTES = 4;
    private static final long MAX_FILE_BYTES = 256;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_BITS = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final Path file;
    private final SecretBytes key;

    private RootKeyFile(Path file, SecretBytes key) {
        this.file = file;
        this.key = key;
    }

    /**
     * Loads the root key file, creating it with a fresh random key if it does not exist.
     *
     * @param file the key file; its directory is created owner-only if missing
     * @return the provider
     * @throws StoreException if the file is readable or writable by group or others (the message names the file
     *                        and the {@code chmod} that fixes it), is corrupt or truncated, or cannot be read or
     *                        written
     */
    public static RootKeyFile openOrCreate(Path file) {
        Path f = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        try {
            if (!Files.exists(f)) {
                create(f);
            }
            return new RootKeyFile(f, load(f));
        } catch (IOException e) {
            throw new StoreException("cannot read or create the root key file " + f + ": " + e, e);
        }
    }

    /** @return the 32-byte root key */
    @Override
    public SecretBytes rootKey() {
        return key;
    }

    /** @return {@code "root key file <path>"} */
    @Override
    public String description() {
        return "root key file " + file;
    }

    /** @return the key file's absolute path */
    public Path file() {
        return file;
    }

    private static void create(Path file) throws IOException {
        Path dir = file.getParent();
        if (!Files.getFileStore(existing(dir)).supportsFileAttributeView("posix")) {
            throw new StoreException("cannot protect the root key file " + file
                    + ": its file system has no POSIX permissions");
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        SecretBytes fresh = SecretBytes.random(KEY_BYTES);
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
        byte[] content = encode(fresh);
        try {
            // 0600 from creation on: the key is never readable by others, not even for an instant.
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                out.write(content);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            publish(tmp, file);
        } finally {
            Arrays.fill(content, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }

    /** Puts the complete file in place atomically and never over a key another process just created. */
    private static void publish(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            return; // another process won the race; everyone loads its key
        } catch (UnsupportedOperationException | FileSystemException e) {
            // No hard links here (some network or container file systems): a plain rename, which does not
            // replace an existing file, is the next best thing.
            try {
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException lost) {
                return;
            }
        }
        try (FileChannel dirChannel = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dirChannel.force(true); // the new directory entry survives a crash
        } catch (IOException ignored) {
            // Not every platform can fsync a directory; the file content itself is already durable.
        }
    }

    private static SecretBytes load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new StoreException("root key file " + file + " is not a regular file");
        }
        checkPermissions(file);
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw corrupt(file, "it is larger than a root key file can be");
        }
        byte[] content = Files.readAllBytes(file);
        try {
            return decode(file, content);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private static void checkPermissions(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
            throw new StoreException("cannot check the permissions of root key file " + file
                    + ": its file system has no POSIX permissions");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_BITS.containsAll(perms)) {
            throw new StoreException("root key file " + file + " is accessible by group or others ("
                    + PosixFilePermissions.toString(perms) + "); refusing to use it. Fix: chmod 600 " + file
                    + " (and rotate the root key if others may have read it)");
        }
    }

    static byte[] encode(SecretBytes key) {
        byte[] raw = key.revealCopy();
        try {
            String line = MAGIC + " " + VERSION + " " + Base64.getUrlEncoder().withoutPadding().encodeToString(raw)
                    + " " + check(raw) + "\n";
            return line.getBytes(StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static SecretBytes decode(Path file, byte[] content) {
        String text = new String(content, StandardCharsets.US_ASCII).strip();
        String[] parts = text.split(" ", -1);
        if (parts.length != 4 || !MAGIC.equals(parts[0])) {
            throw corrupt(file, "it does not have the form '" + MAGIC + " " + VERSION + " <key> <check>'");
        }
        if (!VERSION.equals(parts[1])) {
            throw corrupt(file, "unsupported format version");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw corrupt(file, "the key is not valid base64url");
        }
        try {
            if (raw.length != KEY_BYTES) {
                throw corrupt(file, "the key has " + raw.length + " bytes instead of " + KEY_BYTES);
            }
            if (!MessageDigest.isEqual(check(raw).getBytes(StandardCharsets.US_ASCII),
                    parts[3].getBytes(StandardCharsets.US_ASCII))) {
                throw corrupt(file, "the check value does not match the key");
            }
            return SecretBytes.copyOf(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static String check(byte[] raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(digest, 0, CHECK_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a mandatory JCA algorithm", e);
        }
    }

    private static StoreException corrupt(Path file, String why) {
        return new StoreException("root key file " + file + " is corrupt or truncated (" + why
                + "); restore it from backup: without the right root key the stored keys cannot be decrypted");
    }

    private static Path existing(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir.getRoot() : p;
    }

    /** @return the path; never key material */
    @Override
    public String toString() {
        return "RootKeyFile[" + file + "]";
    }
}
