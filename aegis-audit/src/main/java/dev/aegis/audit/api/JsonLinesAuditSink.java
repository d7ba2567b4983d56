package dev.aegis.audit.api;

import dev.aegis.audit.internal.AuditJsonLine;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AuditSink} writing one JSON object per line (JSON Lines) to an append-only file or to standard
 * output, for shipping to ELK or Loki. Each line carries the record's {@code seq}, event fields,
 * {@code prevHash} and {@code hash}, so {@link AuditVerifier#verifyJsonLines(Path)} can check a file on its own.
 *
 * <p>A batch is appended to a file with one write and forced to disk ({@code fsync} of the data) before
 * {@link #write} returns, so a fail-closed caller is acknowledged only after its line is durable. Standard output
 * is written through the raw file descriptor (not {@link System#out}, which swallows I/O errors), so a closed
 * pipe fails the batch instead of losing it.
 *
 * <p>Files are created with permissions {@code rw-r-----} where the file system is POSIX: audit lines hold no
 * secrets but do hold user identifiers and addresses.
 *
 * <p>Thread-safe (one lock around each batch). Close it after the {@link AuditLog} that uses it.
 */
public final class JsonLinesAuditSink implements AuditSink, Closeable {

    private final String name;
    private final FileChannel channel;
    private final OutputStream stream;
    private final boolean closeStream;
    private final ReentrantLock lock = new ReentrantLock();

    private JsonLinesAuditSink(String name, FileChannel channel, OutputStream stream, boolean closeStream) {
        this.name = name;
        this.channel = channel;
        this.stream = stream;
        this.closeStream = closeStream;
    }

    /**
     * Opens {@code file} for appending, creating it (and nothing else) when absent.
     *
     * @param file the JSON-lines file
     * @return the sink
     * @throws IOException when the file cannot be opened
     */
    public static JsonLinesAuditSink toFile(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        FileChannel channel = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(file, options, ownerAndGroupRead())
                : FileChannel.open(file, options);
        return new JsonLinesAuditSink("jsonl:" + file, channel, null, false);
    }

    /** @return a sink writing to the process's standard output; {@link #close()} leaves standard output open */
    public static JsonLinesAuditSink toStdout() {
        return new JsonLinesAuditSink("jsonl:stdout", null, new FileOutputStream(FileDescriptor.out), false);
    }

    /**
     * @param out  where to write; flushed after each batch; closed by {@link #close()}
     * @param name sink name for logs
     * @return a sink writing to {@code out}
     */
    public static JsonLinesAuditSink to(OutputStream out, String name) {
        return new JsonLinesAuditSink(Objects.requireNonNull(name, "name"), null, Objects.requireNonNull(out, "out"), true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void write(List<AuditRecord> batch) throws IOException {
        lock.lock();
        try {
            if (channel != null) {
                StringBuilder text = new StringBuilder(batch.size() * 512);
                for (AuditRecord record : batch) {
                    text.append(AuditJsonLine.encode(record)).append('\n');
                }
                ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            } else {
                // One write per line: standard output is usually a pipe shared with the JSON logs, and a write
                // of at most PIPE_BUF bytes (4 KiB on Linux; a typical line is far smaller) is never interleaved.
                for (AuditRecord record : batch) {
                    stream.write((AuditJsonLine.encode(record) + "\n").getBytes(StandardCharsets.UTF_8));
                }
                stream.flush();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (channel != null) {
                channel.close();
            } else if (closeStream) {
                stream.close();
            } else {
                stream.flush();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "JsonLinesAuditSink[" + name + "]";
    }

    private static FileAttribute<?> ownerAndGroupRead() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));
    }
}
