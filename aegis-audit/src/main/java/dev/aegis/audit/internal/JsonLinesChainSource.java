package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * A {@link ChainSource} streaming a JSON-lines audit file: one record per line, position = line number
 * (1-based). Empty lines are skipped. The two look-ahead queries re-read the file from the start; they run
 * at most once per verification, so memory stays constant whatever the file size.
 *
 * <p>Not thread-safe; {@link #close()} releases the reader that {@link #rows()} opened. I/O failures surface as
 * {@link UncheckedIOException}.
 */
public final class JsonLinesChainSource implements ChainSource, AutoCloseable {

    private final Path file;
    private BufferedReader reader;

    /** @param file the JSON-lines file */
    public JsonLinesChainSource(Path file) {
        this.file = file;
    }

    @Override
    public Iterator<StoredRow> rows() {
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LineIterator(reader);
    }

    @Override
    public boolean laterRowWithHash(String hash, long position) {
        return anyLater(position, r -> r.hash().equals(hash));
    }

    @Override
    public boolean laterRowWithPreviousHash(String previousHash, long position) {
        return anyLater(position, r -> r.previousHash().equals(previousHash));
    }

    private boolean anyLater(long position, Predicate<AuditRecord> test) {
        try (BufferedReader scan = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            LineIterator it = new LineIterator(scan);
            while (it.hasNext()) {
                StoredRow row = it.next();
                if (row.position() > position && row.record() != null && test.test(row.record())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
    }

    /** Parses lines lazily; a line that is not a record becomes a malformed row. */
    private static final class LineIterator implements Iterator<StoredRow> {
        private final BufferedReader in;
        private long lineNumber;
        private StoredRow next;

        LineIterator(BufferedReader in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            try {
                String line;
                do {
                    line = in.readLine();
                    lineNumber++;
                } while (line != null && line.isBlank());
                if (line == null) {
                    return false;
                }
                next = parse(lineNumber, line);
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public StoredRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            StoredRow row = next;
            next = null;
            return row;
        }

        private static StoredRow parse(long lineNumber, String line) {
            try {
                return StoredRow.of(lineNumber, AuditJsonLine.decode(line));
            } catch (IllegalArgumentException | NullPointerException e) {
                return StoredRow.malformed(lineNumber, -1, "line " + lineNumber + ": " + e.getMessage());
            }
        }
    }
}
