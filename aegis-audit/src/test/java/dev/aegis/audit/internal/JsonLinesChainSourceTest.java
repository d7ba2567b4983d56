package dev.aegis.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aegis.audit.api.AuditRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesChainSourceTest {

    @TempDir
    Path dir;

    @Test
    void recordSurvivesTheJsonLineRoundTrip() {
        for (AuditRecord r : TestChains.chain(5)) {
            assertEquals(r, AuditJsonLine.decode(AuditJsonLine.encode(r)));
        }
        AuditRecord golden = AuditChain.append(AuditChain.GENESIS_HASH, 1, CanonicalAuditEncodingTest.goldenEvent());
        assertEquals(golden, AuditJsonLine.decode(AuditJsonLine.encode(golden)));
    }

    @Test
    void malformedLinesBecomeMalformedRowsWithoutEchoingContents() throws Exception {
        Path file = dir.resolve("a.jsonl");
        AuditRecord r = TestChains.chain(1).get(0);
        String line = AuditJsonLine.encode(r);
        Files.writeString(file, line + "\n\n{\"seq\":2,\"secret\":\"hunter2\"}\n{not json\n"
                + line.replace("\"seq\":1", "\"seq\":1,\"seq\":2") + "\n");
        List<StoredRow> rows = new ArrayList<>();
        try (JsonLinesChainSource source = new JsonLinesChainSource(file)) {
            for (Iterator<StoredRow> it = source.rows(); it.hasNext(); ) {
                rows.add(it.next());
            }
        }
        assertEquals(4, rows.size());
        assertEquals(r, rows.get(0).record());
        assertEquals(3, rows.get(1).position());
        assertEquals("line 3: unknown field", rows.get(1).problem());
        assertEquals("line 4: not valid JSON", rows.get(2).problem());
        assertEquals("line 5: not valid JSON", rows.get(3).problem());
    }
}
