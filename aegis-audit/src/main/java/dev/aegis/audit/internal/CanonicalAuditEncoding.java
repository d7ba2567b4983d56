package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * THE canonical byte encoding of an audit record, the input of the chain hash. It is the only definition:
 * the writer, the database verifier and the JSON-lines verifier all call {@link #encode}.
 *
 * <p>Layout, byte by byte (all integers big-endian, two's complement):
 * <pre>
 *   offset  size  content
 *   0       1     format version, 0x01
 *   1       8     sequence number (int64, &ge; 1)
 *   9       var   eventId          STR
 *           8     time: seconds since 1970-01-01T00:00:00Z (int64)
 *           4     time: nanosecond of second (int32, 0..999_999_000, a multiple of 1000)
 *           var   actor            STR
 *           var   subject          STR
 *           var   action           STR
 *           var   resource         STR
 *           var   decision         STR   (the enum constant's name: ALLOW, DENY, ERROR, INFO)
 *           var   reason           STR
 *           var   requestId        STR
 *           var   sourceAddress    STR
 *           var   service          STR
 *           4     number of details N (int32, 0..32)
 *           var   N pairs (key STR, value STR), keys in ascending unsigned byte order of their UTF-8 encoding
 *
 *   STR = absent (null): 4 bytes 0xFF 0xFF 0xFF 0xFF
 *         present:       4-byte length L (int32, 0 &le; L &lt; 2^31) followed by L bytes of UTF-8
 * </pre>
 *
 * <p>Why this is unambiguous: the field order and count are fixed by the version byte; every variable-length
 * field carries its length, so no separator can be smuggled inside a value; {@code null} and the empty string
 * differ; UTF-8 is exact because {@link AuditEvent} rejects unpaired surrogates (which the JDK would otherwise
 * replace by {@code '?'}, mapping two strings to one encoding); details are sorted and keys are unique, so a map
 * has exactly one encoding. Why it is deterministic: no locale, time zone, platform charset or JSON library
 * formatting is involved. A change to this layout needs a new version byte.
 *
 * <p>Stateless and thread-safe.
 */
public final class CanonicalAuditEncoding {

    /** The format version written as the first byte. */
    public static final byte VERSION = 0x01;

    private static final int ABSENT = -1;

    private CanonicalAuditEncoding() {
    }

    /**
     * @param sequence the record's position in the chain
     * @param event    the record's event
     * @return the canonical bytes of record {@code sequence}
     */
    public static byte[] encode(long sequence, AuditEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(VERSION);
        writeLong(out, sequence);
        writeString(out, event.eventId());
        Instant time = event.time();
        writeLong(out, time.getEpochSecond());
        writeInt(out, time.getNano());
        writeString(out, event.actor());
        writeString(out, event.subject());
        writeString(out, event.action());
        writeString(out, event.resource());
        writeString(out, event.decision().name());
        writeString(out, event.reason());
        writeString(out, event.requestId());
        writeString(out, event.sourceAddress());
        writeString(out, event.service());
        writeDetails(out, event.details());
        return out.toByteArray();
    }

    private static void writeDetails(ByteArrayOutputStream out, Map<String, String> details) {
        List<byte[][]> pairs = new ArrayList<>(details.size());
        for (Map.Entry<String, String> e : details.entrySet()) {
            pairs.add(new byte[][] {utf8(e.getKey()), utf8(e.getValue())});
        }
        // Sort by UTF-8 bytes, not by String.compareTo (UTF-16 order differs above U+FFFF), so that
        // a verifier in any language can reproduce the order.
        pairs.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
        writeInt(out, pairs.size());
        for (byte[][] pair : pairs) {
            writeBytes(out, pair[0]);
            writeBytes(out, pair[1]);
        }
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        if (value == null) {
            writeInt(out, ABSENT);
        } else {
            writeBytes(out, utf8(value));
        }
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
        writeInt(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        writeInt(out, (int) (v >>> 32));
        writeInt(out, (int) v);
    }
}
